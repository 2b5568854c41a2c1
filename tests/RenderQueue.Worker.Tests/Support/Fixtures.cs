namespace RenderQueue.Worker.Tests.Support;

internal static class Fixtures
{
    /// <summary>shared/fixtures/comfyui/txt2img.api.json: the default txt2img graph (KSampler 20 steps, SaveImage).</summary>
    public static string Txt2ImgWorkflow => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "txt2img.api.json"));
}
