using System.Net;
using PcapViz.Core.Flows;
using PcapViz.Core.Names;
using PcapViz.Core.Threats;

namespace PcapViz.Core.Tests.Threats;

public sealed class ThreatPartsTests
{
    [Theory]
    [InlineData("a1b2.tunnel.example.co.uk", "example.co.uk")]
    [InlineData("www.example.com", "example.com")]
    [InlineData("example.com", "example.com")]
    [InlineData("com", "com")]
    [InlineData("foo.bar.kawasaki.jp", "foo.bar.kawasaki.jp")]
    [InlineData("www.city.kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("x.user.github.io", "user.github.io")]
    [InlineData("localhost", "localhost")]
    [InlineData("a.b.c.unknowntld", "c.unknowntld")]
    public void Registered_domains_follow_the_public_suffix_list(string name, string domain) =>
        Assert.Equal(domain, PublicSuffixList.RegisteredDomain(name).ToString());

    [Theory]
    [InlineData(6, "1603010200010001fc0303", PayloadProtocol.Tls)]
    [InlineData(6, "474554202f20485454502f312e310d0a", PayloadProtocol.Http)]
    [InlineData(6, "5353482d322e302d4f70656e535348", PayloadProtocol.Ssh)]
    [InlineData(6, "00000045fe534d4240000100", PayloadProtocol.Smb)]
    [InlineData(6, "0300002b26e00000000000", PayloadProtocol.Rdp)]
    [InlineData(17, "c300000001088394c8f03e515708", PayloadProtocol.Quic)]
    [InlineData(17, "1234010000010000000000000377777706", PayloadProtocol.Dns)]
    // A query id with the top bit set is not an SSLv2 hello, and a datagram is never TLS.
    [InlineData(17, "96c10100000100000000000003777777", PayloadProtocol.Dns)]
    [InlineData(17, "16030100000100000000000003777777", PayloadProtocol.Dns)]
    [InlineData(6, "3232302073657276657220726561647920", PayloadProtocol.MailOrFtp)]
    [InlineData(6, "9f3ac1e07b55d2a8e4190c6f3bd7a25e", PayloadProtocol.HighEntropy)]
    [InlineData(6, "48656c6c6f2c20776f726c6421212121", PayloadProtocol.Unrecognized)]
    public void First_payload_bytes_name_the_protocol(byte ipProtocol, string hex, PayloadProtocol expected)
    {
        var bytes = Convert.FromHexString(hex);
        int length = expected == PayloadProtocol.Dns ? 40 : bytes.Length;
        Assert.Equal(expected, PayloadProtocols.Identify(bytes.AsSpan(0, Math.Min(16, bytes.Length)), length, ipProtocol));
    }

    [Fact]
    public void Ntp_is_recognised_on_its_lengths()
    {
        var ntp = new byte[48];
        ntp[0] = 0x23;
        ntp[1] = 2;
        Assert.Equal(PayloadProtocol.Ntp, PayloadProtocols.Identify(ntp.AsSpan(0, 16), 48, 17));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]
    [InlineData("not a pattern!")]
    [InlineData("")]
    [InlineData("*")]
    public void Bad_allow_list_entries_are_refused_with_a_reason(string pattern) =>
        Assert.Throws<FormatException>(() => new AllowList([pattern]));

    [Fact]
    public void Allow_list_entries_match_addresses_ranges_and_names()
    {
        var allow = new AllowList(["198.51.100.0/24", "2001:db8::1", "*.windowsupdate.com"]);
        IEnumerable<string> Names(IPAddress a) => a.Equals(IPAddress.Parse("203.0.113.5")) ? ["dl.delivery.windowsupdate.com"] : [];
        Assert.Equal(0, allow.EntryFor(IPAddress.Parse("198.51.100.9"), Names));
        Assert.Equal(1, allow.EntryFor(IPAddress.Parse("2001:db8::1"), Names));
        Assert.Equal(2, allow.EntryFor(IPAddress.Parse("203.0.113.5"), Names));
        Assert.Equal(-1, allow.EntryFor(IPAddress.Parse("203.0.113.6"), Names));
        Assert.True(allow.ExcludesName("windowsupdate.com"));
        Assert.False(allow.ExcludesName("notwindowsupdate.com"));
    }

    [Fact]
    public void Score_bands_are_ritas()
    {
        double[] bands = [0.5, 0.7, 0.9, 1.0];
        Assert.Equal(0, BeaconStatistics.Band(0.49, bands));
        Assert.Equal(0.2, BeaconStatistics.Band(0.5, bands), 9);
        Assert.Equal(0.5, BeaconStatistics.Band(0.8, bands), 9);
        Assert.Equal(0.8, BeaconStatistics.Band(1.0, bands), 9);
    }

    [Fact]
    public void Bowley_and_mad_tell_a_fixed_interval_from_an_exponential_one()
    {
        double[] fixedIntervals = Enumerable.Repeat(300.0, 50).ToArray();
        Assert.Equal(1, BeaconStatistics.SkewScore(fixedIntervals, 10));
        Assert.Equal(0, BeaconStatistics.MadOverMedian(fixedIntervals).Ratio);
        var random = new Random(3);
        var exponential = Enumerable.Range(0, 5000).Select(_ => -300 * Math.Log(1 - random.NextDouble())).Order().ToArray();
        Assert.InRange(BeaconStatistics.MadOverMedian(exponential).Ratio, 0.6, 0.8);
    }

    [Fact]
    public void An_on_off_schedule_fits_the_bimodal_histogram()
    {
        var bins = new int[24];
        for (int i = 9; i < 17; i++)
            bins[i] = 12;
        Assert.True(BeaconStatistics.HistogramScore(bins, 0.05, 6) >= 0.99);
        var burst = new int[24];
        burst[3] = 40;
        Assert.Equal(0, BeaconStatistics.HistogramScore(burst, 0.05, 6));
        Assert.Equal(8, BeaconStatistics.LongestRun(bins));
    }

    [Theory]
    [InlineData("wpad", true)]
    [InlineData("_", true)]
    [InlineData("_ta-4f66", true)]
    [InlineData("_ta-4f66-9728", true)]
    [InlineData("wpad.mzxw6ytboi2dsnzsgmzdimzvgy3tq", false)]
    [InlineData("_.mzxw6ytboi2dsnzsgmzdimzvgy3tq", false)]
    [InlineData("_ta-not-hex", false)]
    public void Only_a_whole_signalling_label_is_left_out_of_dns_evidence(string below, bool signalling) =>
        Assert.Equal(signalling, DnsNoise.IsSignallingName(below));

    [Fact]
    public void Answers_nobody_asked_for_count_no_names_for_their_client()
    {
        var activity = new DnsActivity();
        var client = AddressKey.V4(0x0A000005);
        var server = AddressKey.V4(0x0A000002);
        for (int i = 0; i < 200; i++)
            activity.Response(client, server, $"x{i}.framed.example", 0, 100, i);
        var row = Assert.Single(activity.Domains);
        Assert.Equal((0, 200L, 0L), (row.Names, row.Responses, row.Queries));
        activity.Query(client, server, "x1.framed.example", 1, 300);
        Assert.Equal(1, Assert.Single(activity.Domains).Names);
    }

    [Fact]
    public void A_snapshot_domain_longer_than_any_dns_name_is_refused()
    {
        var activity = new DnsActivity();
        Assert.Throws<InvalidDataException>(() => activity.Restore(AddressKey.V4(1), null, new string('a', 5_000_000), 1, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}
