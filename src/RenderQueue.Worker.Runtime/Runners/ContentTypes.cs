namespace RenderQueue.Worker.Runtime.Runners;

/// <summary>MIME types of the output files runners produce, from their extension or their first bytes.</summary>
public static class ContentTypes
{
    public const string Png = "image/png";
    public const string OctetStream = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = Png,
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".bmp"] = "image/bmp",
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
        [".exr"] = "image/x-exr",
        [".wav"] = "audio/wav",
        [".mp3"] = "audio/mpeg",
        [".flac"] = "audio/flac",
        [".ogg"] = "audio/ogg",
        [".opus"] = "audio/opus",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mov"] = "video/quicktime",
        [".json"] = "application/json",
        [".txt"] = "text/plain",
        [".srt"] = "application/x-subrip",
        [".vtt"] = "text/vtt",
        [".tsv"] = "text/tab-separated-values",
        [".csv"] = "text/csv",
        [".glb"] = "model/gltf-binary",
        [".safetensors"] = OctetStream,
    };

    /// <summary>The type of a file by its extension; <c>application/octet-stream</c> when unknown.</summary>
    public static string FromFileName(string fileName) =>
        ByExtension.TryGetValue(Path.GetExtension(fileName), out var type) ? type : OctetStream;

    /// <summary>The type of an image by its magic bytes (A1111 sends base64 without a name); PNG when unsure.</summary>
    public static (string ContentType, string Extension) SniffImage(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => ("image/jpeg", ".jpg"),
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => ("image/webp", ".webp"),
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => ("image/gif", ".gif"),
        _ => (Png, ".png"),
    };
}
