namespace RenderQueue.Faults.Tests.Harness;

/// <summary>
/// Sizes of the cases: small enough for ./test.sh on a busy 2-core machine, or, with
/// <c>RENDERQUEUE_FAULTS_SOAK=1</c>, the soak sizes (run by hand, see docs/reliability.md).
/// </summary>
internal static class Scale
{
    public static bool Soak { get; } = Environment.GetEnvironmentVariable("RENDERQUEUE_FAULTS_SOAK") is "1" or "true";

    public static string Mode => Soak ? "soak" : "ci";

    public static int Pick(int ci, int soak) => Soak ? soak : ci;
}
