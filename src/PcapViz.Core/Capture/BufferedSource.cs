using System.Buffers.Binary;

namespace PcapViz.Core.Capture;

/// <summary>
/// A forward-only window over a stream. The buffer grows only while real data arrives, never to a size
/// that a header merely claims, so a forged length cannot make us allocate gigabytes.
/// </summary>
internal sealed class BufferedSource : IDisposable
{
    private const int InitialSize = 1 << 20;
    private readonly Stream _stream;
    private readonly Stream? _progressStream;
    private byte[] _buffer = new byte[InitialSize];
    private int _start;
    private int _end;
    private long _consumedBefore;
    private bool _eof;
    /// <summary>A read that failed (corrupt compressed data): thrown again when more is asked for, never skipped.</summary>
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;

    private readonly int _maxReadLength;

    public BufferedSource(Stream stream, Stream? progressStream = null, int maxReadLength = int.MaxValue)
    {
        _stream = stream;
        _progressStream = progressStream;
        _maxReadLength = maxReadLength;
    }

    /// <summary>Offset, in the (decompressed) capture, of the first unconsumed byte.</summary>
    public long Position => _consumedBefore + _start;

    /// <summary>Bytes of the underlying file read so far (compressed bytes for gzip), for progress.</summary>
    public long FileBytesRead => (_progressStream ?? _stream).Position;

    public int Available => _end - _start;

    public ReadOnlySpan<byte> Peek(int length) => _buffer.AsSpan(_start, length);

    public void Advance(int length) => _start += length;

    /// <summary>Makes at least <paramref name="length"/> bytes available; false when the stream ends first.</summary>
    public bool Ensure(int length)
    {
        while (_end - _start < length)
        {
            if (_eof)
                return false;
            if (_start > 0 && (_buffer.Length - _start < length || _end == _buffer.Length))
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _consumedBefore += _start;
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            _failure?.Throw();
            int read;
            try
            {
                read = _stream.Read(_buffer, _end, Math.Min(_buffer.Length - _end, _maxReadLength));
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                throw;
            }
            if (read == 0)
                _eof = true;
            _end += read;
        }
        return true;
    }

    /// <summary>Skips bytes that need not be looked at, without buffering them.</summary>
    public bool Skip(long length)
    {
        long inBuffer = Math.Min(length, _end - _start);
        _start += (int)inBuffer;
        length -= inBuffer;
        while (length > 0)
        {
            _consumedBefore += _start;
            _start = _end = 0;
            int read = _stream.Read(_buffer, 0, (int)Math.Min(Math.Min(_buffer.Length, length), _maxReadLength));
            if (read == 0)
            {
                _eof = true;
                return false;
            }
            if (read > length)
                throw new InvalidOperationException("read past the requested length");
            length -= read;
            _consumedBefore += read;
        }
        return true;
    }

    public bool AtEnd => _end == _start && !Ensure(1);

    public uint ReadUInt32At(int offset, bool bigEndian)
    {
        var span = _buffer.AsSpan(_start + offset, 4);
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _progressStream?.Dispose();
    }
}
