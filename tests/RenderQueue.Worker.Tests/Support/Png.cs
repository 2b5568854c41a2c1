using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RenderQueue.Worker.Tests.Support;

/// <summary>Checks a PNG the long way: signature, every chunk's CRC, IHDR, and that IDAT inflates to the right size.</summary>
internal static class Png
{
    public static (int Width, int Height) AssertValid(byte[] data)
    {
        Assert.True(data.Length > 8 && data.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        var offset = 8;
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        var sawEnd = false;
        while (offset < data.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset));
            var type = Encoding.ASCII.GetString(data, offset + 4, 4);
            var body = data.AsSpan(offset + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset + 8 + length));
            Assert.Equal(Crc(data.AsSpan(offset + 4, 4 + length)), crc);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                Assert.Equal(8, body[8]);
                Assert.Equal(2, body[9]);
            }
            if (type == "IDAT") idat.Write(body);
            if (type == "IEND") sawEnd = true;
            offset += 12 + length;
        }
        Assert.True(sawEnd, "IEND chunk");
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        Assert.Equal((long)height * (1 + width * 3), inflated.Length);
        return (width, height);
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }
}
