using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Api;

internal static class JobIds
{
    /// <summary>A route id that cannot be a job id names no job: 404 without asking the store.</summary>
    public static string Require(string id) => JobId.IsValid(id) ? id : throw new JobNotFoundException(id);
}
