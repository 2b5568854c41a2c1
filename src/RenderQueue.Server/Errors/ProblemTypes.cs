namespace RenderQueue.Server.Errors;

/// <summary>The <c>type</c> URIs of RenderQueue's problem details, one per kind of refusal.</summary>
internal static class ProblemTypes
{
    private const string Base = "https://renderqueue.dev/problems/";

    public const string InvalidRequest = Base + "invalid-request";
    public const string Validation = Base + "validation";
    public const string NotFound = Base + "not-found";
    public const string JobNotFound = Base + "job-not-found";
    public const string WorkerNotFound = Base + "worker-not-found";
    public const string ArtifactNotFound = Base + "artifact-not-found";
    public const string LeaseConflict = Base + "lease-conflict";
    public const string StateConflict = Base + "state-conflict";
    public const string TooLarge = Base + "too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string NotReady = Base + "not-ready";
    public const string StoreUnavailable = Base + "store-unavailable";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string TooManyRequests = Base + "too-many-requests";
    public const string KeyNotFound = Base + "key-not-found";
    public const string WebhookNotFound = Base + "webhook-not-found";
    public const string ServerError = Base + "server-error";
}
