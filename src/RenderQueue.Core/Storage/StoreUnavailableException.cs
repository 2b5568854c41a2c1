namespace RenderQueue.Core.Storage;

/// <summary>
/// The store could not be reached (a Redis restart, a network fault), so the operation has no answer. Unlike a
/// <see cref="Jobs.JobStoreException"/>, nothing says whether a write was applied: a call that was sent before the
/// connection broke may have committed. Retry it; a submit retried with the same idempotency key is stored once.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception innerException) : Exception(message, innerException);
