namespace RenderQueue.Worker.Runtime.Backends;

/// <summary>
/// Thrown by a runner when its backend could not be reached before the job started on it (connection refused, found
/// unhealthy): nothing ran, so the agent releases the job to the queue without charging an attempt and takes the
/// backend out of the free slots until its probe answers again.
/// </summary>
public sealed class BackendUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
