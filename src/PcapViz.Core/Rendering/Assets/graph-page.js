// PcapViz graph page. Capture text only ever reaches the page through textContent and Cytoscape's canvas labels,
// never as markup. This script runs before the library and draws the graph once the document is parsed.
(function () {
  'use strict';

  var status = document.getElementById('status');
  var errorCount = 0;

  function recordError(message) {
    errorCount += 1;
    status.setAttribute('data-errors', String(errorCount));
    status.setAttribute('data-last-error', String(message).slice(0, 500));
  }

  window.addEventListener('error', function (event) { recordError(event.message || 'error'); });
  window.addEventListener('unhandledrejection', function (event) { recordError('unhandled rejection: ' + event.reason); });
  document.addEventListener('securitypolicyviolation', function (event) {
    recordError('blocked by the page policy: ' + event.violatedDirective);
  });

  // This page never opens dialogs: a call can only come from injected code, so it is recorded instead of shown.
  ['alert', 'confirm', 'prompt'].forEach(function (name) {
    window[name] = function () {
      status.setAttribute('data-dialog', name);
      return null;
    };
  });

  function byId(id) { return document.getElementById(id); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function main() {
    var data = JSON.parse(byId('graph-data').textContent);
    byId('title').textContent = data.title;
    byId('summary').textContent = data.summary;
    byId('attributions').textContent = data.attributions.join(' \u00b7 ');
    byId('attributions').hidden = data.attributions.length === 0;

    var legend = byId('legend');
    if (data.legend.length > 0) {
      legend.appendChild(element('h2', null, 'Legend'));
      data.legend.forEach(function (entry) {
        var row = element('div', 'entry');
        var swatch = element('span', 'swatch');
        swatch.style.backgroundColor = entry.color;
        row.appendChild(swatch);
        row.appendChild(element('span', null, entry.label));
        legend.appendChild(row);
      });
      legend.hidden = false;
    }

    var big = data.nodes.length > 2000 || data.edges.length > 4000;
    var edgeLabels = data.edges.length <= 400;
    // The biggest nodes keep their labels at every zoom; the others show theirs once zoomed in far enough to read.
    var major = {};
    data.nodes.map(function (node, index) { return { r: node.r, i: index }; })
      .sort(function (a, b) { return b.r - a.r || a.i - b.i; })
      .slice(0, data.nodes.length <= 50 ? data.nodes.length : 25)
      .forEach(function (entry) { major[entry.i] = true; });

    var elements = [];
    data.nodes.forEach(function (node, index) {
      var item = { group: 'nodes', data: { id: node.id, i: index, d: node.r * 2, fill: node.fill, stroke: node.stroke }, position: { x: node.x, y: node.y } };
      var classes = [];
      if (node.label) { item.data.label = node.label; }
      if (node.group) { classes.push('group'); }
      if (node.finding) { classes.push('finding'); }
      if (node.key) { classes.push('key'); }
      if (major[index]) { classes.push('major'); }
      item.classes = classes.join(' ');
      elements.push(item);
    });
    data.edges.forEach(function (edge, index) {
      var item = { group: 'edges', data: { id: edge.id, i: index, source: edge.source, target: edge.target, w: edge.width, color: edge.color } };
      // One line along the edge: the labels of the two directions between a pair then sit on their own curves.
      if (edge.label) { item.data.label = edge.label.split('\n').join(' \u00b7 '); }
      if (edge.finding) { item.classes = 'finding'; }
      elements.push(item);
    });

    var font = 'DejaVu Sans, Verdana, Geneva, sans-serif';
    var style = [
      { selector: 'node', style: { 'width': 'data(d)', 'height': 'data(d)', 'background-color': 'data(fill)', 'border-color': 'data(stroke)', 'border-width': 1.3 } },
      { selector: 'node[label]', style: { 'label': 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'bottom', 'text-halign': 'center', 'text-margin-y': 3, 'font-family': font, 'font-size': 11, 'color': '#1f1f1f', 'text-outline-color': '#ffffff', 'text-outline-width': 2, 'text-outline-opacity': 0.9, 'min-zoomed-font-size': 7 } },
      { selector: 'node.major[label]', style: { 'min-zoomed-font-size': 0, 'z-index': 5 } },
      { selector: 'node.group', style: { 'border-style': 'dashed', 'border-width': 1.6 } },
      { selector: 'edge', style: { 'width': 'data(w)', 'line-color': 'data(color)', 'target-arrow-color': 'data(color)', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8, 'curve-style': big ? 'straight' : 'bezier', 'control-point-step-size': 40, 'opacity': 0.85 } },
      { selector: edgeLabels ? 'edge[label]' : 'edge.highlight[label]', style: { 'label': 'data(label)', 'edge-text-rotation': 'autorotate', 'font-family': font, 'font-size': 9.5, 'color': '#404040', 'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 2, 'text-background-shape': 'roundrectangle', 'min-zoomed-font-size': 8 } },
      { selector: 'edge.finding', style: { 'opacity': 1, 'z-index': 8, 'label': 'data(label)', 'edge-text-rotation': 'autorotate', 'font-family': font, 'font-size': 10, 'font-weight': 'bold', 'color': '#222222', 'text-background-color': '#ffffff', 'text-background-opacity': 0.9, 'text-background-padding': 2, 'min-zoomed-font-size': 0 } },
      { selector: 'node.finding', style: { 'border-width': 3, 'z-index': 7 } },
      { selector: 'node.key', style: { 'border-width': 3, 'border-style': 'double', 'border-color': '#222222' } },
      { selector: '.faded', style: { 'opacity': 0.12 } },
      { selector: 'edge.faded', style: { 'opacity': 0.05 } },
      { selector: 'node.highlight', style: { 'border-width': 3, 'border-color': '#222222', 'z-index': 10 } },
      { selector: 'edge.highlight', style: { 'opacity': 1, 'z-index': 9 } },
      { selector: 'node.found', style: { 'border-width': 4, 'border-color': '#e8590c', 'z-index': 11 } },
      { selector: 'node:selected', style: { 'overlay-opacity': 0 } }
    ];

    var cy = cytoscape({
      container: byId('graph'),
      elements: elements,
      style: style,
      layout: { name: 'preset', fit: true, padding: 30 },
      minZoom: 0.01,
      maxZoom: 10,
      boxSelectionEnabled: false,
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      pixelRatio: big ? 1 : 'auto'
    });

    // A small graph would be blown up to fill the window: keep it near its drawn size.
    if (cy.zoom() > 1.25) {
      cy.zoom({ level: 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      cy.center();
    }

    wireDetails(cy, data);
    wireHighlight(cy);
    wireSearch(cy, data);
    wireFindings(cy, data);
    byId('fit').addEventListener('click', function () { cy.fit(undefined, 30); });

    cy.ready(function () {
      status.setAttribute('data-node-count', String(cy.nodes().length));
      status.setAttribute('data-edge-count', String(cy.edges().length));
      status.setAttribute('data-canvas-count', String(byId('graph').querySelectorAll('canvas').length));
      status.setAttribute('data-ready', 'true');
    });
  }

  function wireDetails(cy, data) {
    var panel = byId('details');
    var stage = byId('stage');

    function show(target, position) {
      var isNode = target.isNode();
      var item = isNode ? data.nodes[target.data('i')] : data.edges[target.data('i')];
      panel.replaceChildren();
      panel.appendChild(element('div', 'heading', item.heading));
      var list = element('dl');
      item.details.forEach(function (row) {
        list.appendChild(element('dt', null, row[0]));
        list.appendChild(element('dd', null, row[1]));
      });
      panel.appendChild(list);
      panel.style.display = 'block';
      move(position);
    }

    function move(position) {
      var x = position.x + 16;
      var y = position.y + 16;
      var width = panel.offsetWidth;
      var height = panel.offsetHeight;
      if (x + width > stage.clientWidth - 4) { x = Math.max(4, position.x - width - 16); }
      if (y + height > stage.clientHeight - 4) { y = Math.max(4, position.y - height - 16); }
      panel.style.left = x + 'px';
      panel.style.top = y + 'px';
    }

    cy.on('mouseover', 'node, edge', function (event) { show(event.target, event.renderedPosition); });
    cy.on('mousemove', 'node, edge', function (event) { move(event.renderedPosition); });
    cy.on('mouseout', 'node, edge', function () { panel.style.display = 'none'; });
    cy.on('viewport', function () { panel.style.display = 'none'; });
  }

  function clearHighlight(cy) {
    cy.elements().removeClass('faded highlight');
  }

  function wireHighlight(cy) {
    cy.on('tap', function (event) {
      if (event.target === cy) {
        cy.batch(function () { clearHighlight(cy); });
        document.querySelectorAll('#finding-list button').forEach(function (button) { button.setAttribute('aria-pressed', 'false'); });
      }
    });
    cy.on('tap', 'node', function (event) {
      cy.batch(function () {
        clearHighlight(cy);
        var keep = event.target.closedNeighborhood();
        cy.elements().not(keep).addClass('faded');
        keep.addClass('highlight');
      });
    });
    cy.on('tap', 'edge', function (event) {
      cy.batch(function () {
        clearHighlight(cy);
        var keep = event.target.union(event.target.connectedNodes());
        cy.elements().not(keep).addClass('faded');
        keep.addClass('highlight');
      });
    });
  }

  // The findings list: a click selects the finding's edges and hosts, fades the rest and brings them into view.
  // A link can name one: page.html#finding=2 opens with finding 2 selected.
  function wireFindings(cy, data) {
    var findings = data.findings || [];
    if (findings.length === 0) { return; }
    var section = byId('findings');
    var list = byId('finding-list');
    var buttons = [];

    function select(index) {
      var finding = findings[index];
      var chosen = cy.collection();
      finding.nodes.concat(finding.edges).forEach(function (id) { chosen = chosen.union(cy.getElementById(id)); });
      chosen = chosen.union(chosen.edges().connectedNodes());
      cy.batch(function () {
        clearHighlight(cy);
        if (chosen.length > 0) {
          cy.elements().not(chosen).addClass('faded');
          chosen.addClass('highlight');
        }
      });
      buttons.forEach(function (button, i) { button.setAttribute('aria-pressed', i === index ? 'true' : 'false'); });
      if (chosen.length > 0) {
        cy.fit(chosen, 80);
        if (cy.zoom() > 2) { cy.zoom({ level: 2, position: chosen.first().position() }); }
      }
      status.setAttribute('data-selected-finding', String(finding.number));
      status.setAttribute('data-selected-edges', String(chosen.edges().length));
      status.setAttribute('data-selected-nodes', String(chosen.nodes().length));
    }

    findings.forEach(function (finding, index) {
      var item = element('li');
      var button = element('button');
      button.type = 'button';
      button.setAttribute('aria-pressed', 'false');
      var swatch = element('span', 'swatch');
      swatch.style.backgroundColor = finding.color;
      if (finding.note && finding.nodes.length === 0) { swatch.style.opacity = '0.35'; }
      button.appendChild(swatch);
      var text = element('span');
      text.appendChild(element('div', 'what', '#' + finding.number + ' ' + finding.severity + ' ' + finding.kind + ' (' + finding.score.toFixed(2) + ')'));
      text.appendChild(element('div', 'between', finding.between));
      if (finding.note) { text.appendChild(element('div', 'note', finding.note)); }
      button.appendChild(text);
      button.title = finding.reason;
      button.addEventListener('click', function () { select(index); });
      item.appendChild(button);
      list.appendChild(item);
      buttons.push(button);
    });
    section.hidden = false;
    status.setAttribute('data-finding-count', String(findings.length));

    var match = /^#finding=(\d+)$/.exec(location.hash);
    if (match) {
      var wanted = parseInt(match[1], 10) - 1;
      if (wanted >= 0 && wanted < findings.length) { select(wanted); }
    }
  }

  function wireSearch(cy, data) {
    var input = byId('search');
    var found = byId('found');
    var matches = cy.collection();

    function update() {
      var query = input.value.trim().toLowerCase();
      cy.batch(function () {
        matches.removeClass('found');
        matches = cy.collection();
        if (query.length > 0) {
          matches = cy.nodes().filter(function (node) {
            return data.nodes[node.data('i')].search.indexOf(query) >= 0;
          });
          matches.addClass('found');
        }
      });
      found.textContent = query.length === 0 ? '' : matches.length + (matches.length === 1 ? ' match' : ' matches');
      status.setAttribute('data-found', String(matches.length));
    }

    function focusMatches() {
      if (matches.length === 0) { return; }
      cy.fit(matches, 80);
      if (cy.zoom() > 2) { cy.zoom({ level: 2, position: matches.first().position() }); }
    }

    input.addEventListener('input', update);
    // A link can carry a search: page.html#search=10.0.0.8 opens with that host highlighted.
    if (location.hash.indexOf('#search=') === 0) {
      try { input.value = decodeURIComponent(location.hash.slice(8)); } catch (error) { input.value = ''; }
      update();
      focusMatches();
    }
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        focusMatches();
      } else if (event.key === 'Escape') {
        input.value = '';
        update();
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    try {
      main();
    } catch (error) {
      recordError(error && error.message ? error.message : error);
      byId('summary').textContent = 'The graph could not be drawn: ' + (error && error.message ? error.message : error);
    }
  });
}());
