using System.Text.Json;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// The job state machine as pure functions: each takes a job and returns the changed job with the event it
/// produces, or throws a <see cref="JobStoreException"/> and changes nothing. Stores load, apply, persist.
/// <code>
/// submit ─► scheduled ─(due)─► queued ─(lease)─► running ─(complete)─► succeeded ─(flag)─► queued
///                ▲                ▲                 ├─(fail, attempts left / lease expired)─► scheduled|queued
///                └────────────────┴─────────────────┴─(fail, none left or not retryable)───► failed
///                                      (cancel: pending at once; running via cancel_requested) ► canceled
/// </code>
/// </summary>
public static class JobLifecycle
{
    public static JobChange Submit(NewJob input, DateTimeOffset now)
    {
        var scheduled = input.RunAt is { } runAt && runAt > now;
        var job = new Job
        {
            Id = input.Id,
            Queue = input.Queue,
            Type = input.Type,
            Payload = input.Payload,
            Priority = input.Priority,
            Requirements = input.Requirements,
            Metadata = input.Metadata,
            IdempotencyKey = input.IdempotencyKey,
            MaxAttempts = input.MaxAttempts,
            AttemptLimit = input.MaxAttempts,
            Timeout = input.Timeout,
            RunAt = input.RunAt,
            BatchKey = input.BatchKey,
            Webhook = input.Webhook,
            TraceParent = input.TraceParent,
            TraceState = input.TraceState,
            State = scheduled ? JobState.Scheduled : JobState.Queued,
            CreatedAt = now,
            UpdatedAt = now,
            QueuedAt = scheduled ? null : now,
        };
        return new JobChange(job, null, JobEventTypes.Submitted);
    }

    /// <summary>The job starts on <paramref name="workerId"/>, placed on <paramref name="gpu"/> when the worker named
    /// slots, <paramref name="warm"/> telling whether one of its models was loaded there.</summary>
    public static JobChange Lease(Job job, string workerId, DateTimeOffset now, TimeSpan leaseDuration, AssignedGpu? gpu = null, bool? warm = null)
    {
        Require(job, JobState.Queued, "lease");
        var attempt = job.Attempt + 1;
        var leased = job with
        {
            State = JobState.Running,
            Attempt = attempt,
            WorkerId = workerId,
            AssignedGpu = gpu,
            LeaseExpiresAt = now + leaseDuration,
            StartedAt = now,
            Progress = null,
            CancelRequested = false,
            UpdatedAt = now,
            Attempts = [.. job.Attempts, new JobAttempt(attempt, workerId, now, Gpu: gpu, Warm: warm)],
        };
        return new JobChange(leased, job.State, JobEventTypes.Started);
    }

    /// <summary>Extends the lease; the event is a progress step only when the progress changed.</summary>
    public static JobChange Renew(Job job, LeaseToken token, JobProgress? progress, DateTimeOffset now, TimeSpan leaseDuration)
    {
        RequireLease(job, token);
        var changed = progress is not null && progress != job.Progress;
        var renewed = job with
        {
            LeaseExpiresAt = now + leaseDuration,
            Progress = progress ?? job.Progress,
            UpdatedAt = changed ? now : job.UpdatedAt,
        };
        return new JobChange(renewed, job.State, changed ? JobEventTypes.Progress : null);
    }

    public static JobChange AddArtifact(Job job, LeaseToken token, ArtifactInfo artifact, DateTimeOffset now)
    {
        RequireLease(job, token);
        var others = job.Artifacts.Where(a => !string.Equals(a.Name, artifact.Name, StringComparison.Ordinal));
        var updated = job with { Artifacts = [.. others, artifact], UpdatedAt = now };
        return new JobChange(updated, job.State, JobEventTypes.ArtifactAdded, artifact.Name);
    }

    public static JobChange Complete(Job job, LeaseToken token, JsonElement? result, DateTimeOffset now)
    {
        RequireLease(job, token);
        var done = EndAttempt(job, now, JobState.Succeeded, error: null) with
        {
            Result = result,
            Error = null,
            Progress = job.Progress is { } p ? p with { Value = p.Max } : null,
        };
        return new JobChange(done, job.State, JobEventTypes.Succeeded);
    }

    /// <summary>
    /// A failed attempt: canceled if a cancel was asked for; otherwise retried after a backoff while attempts
    /// remain and the failure is retryable; otherwise failed for good. An <c>oom</c> on a GPU the job records is retried
    /// only on a larger GPU (see <see cref="LargerGpu"/>): at once when <paramref name="largerGpuOnline"/> finds an
    /// online worker with one, else it waits <see cref="JobState.Scheduled"/> for <paramref name="largerGpuWait"/> with a
    /// <see cref="Job.WaitReason"/>. <paramref name="largerGpuOnline"/> answers for the job as it will be (its new
    /// requirements) and the size it must exceed, inside the store's transaction; null keeps the plain backoff.
    /// </summary>
    public static JobChange Fail(Job job, LeaseToken token, JobFailure failure, DateTimeOffset now, RetryPolicy policy, double unitRandom,
        Func<Job, long, bool>? largerGpuOnline = null, TimeSpan largerGpuWait = default)
    {
        RequireLease(job, token);
        if (job.CancelRequested)
            return new JobChange(EndAttempt(job, now, JobState.Canceled, failure.Error), job.State, JobEventTypes.Canceled);

        if (!failure.Retryable || job.Attempt >= job.AttemptLimit)
            return new JobChange(EndAttempt(job, now, JobState.Failed, failure.Error), job.State, JobEventTypes.Failed);

        if (largerGpuOnline is not null && LargerGpu.ThresholdAfter(job, failure) is { } above)
        {
            var needing = job with { Requirements = job.Requirements with { VramAboveMb = above } };
            if (largerGpuOnline(needing, above))
                return new JobChange(EndAttempt(needing, now, JobState.Queued, failure.Error) with { RunAt = now }, job.State, JobEventTypes.Retrying);
            var reason = LargerGpu.WaitReason(above);
            var waiting = EndAttempt(needing, now, JobState.Scheduled, failure.Error) with { RunAt = now + largerGpuWait, WaitReason = reason };
            return new JobChange(waiting, job.State, JobEventTypes.Retrying, reason);
        }

        var runAt = now + policy.DelayAfter(job.Attempt, unitRandom);
        var retrying = EndAttempt(job, now, runAt > now ? JobState.Scheduled : JobState.Queued, failure.Error) with
        {
            RunAt = runAt,
        };
        return new JobChange(retrying, job.State, JobEventTypes.Retrying);
    }

    /// <summary>
    /// A worker gives an unfinished job back (its backend died before the job started, a drain). The first
    /// <paramref name="maxReleases"/> releases of a run are free: the job is queued again and the attempt not charged.
    /// Each release past them is a failed attempt of class <c>released</c>, retried by the usual rules
    /// (<paramref name="policy"/>), so a flapping backend cannot bounce a job forever.
    /// </summary>
    public static JobChange Release(Job job, LeaseToken token, string reason, DateTimeOffset now,
        int maxReleases = int.MaxValue, RetryPolicy? policy = null, double unitRandom = 0)
    {
        RequireLease(job, token);
        if (job.CancelRequested)
            return new JobChange(EndAttempt(job, now, JobState.Canceled, null), job.State, JobEventTypes.Canceled, reason);

        var releases = job.Releases + 1;
        if (releases > maxReleases)
        {
            var charged = new JobFailure(new JobError(ChargedReleaseMessage(reason, maxReleases), ErrorClasses.Released));
            return Fail(job with { Releases = releases }, token, charged, now, policy ?? RetryPolicy.Default, unitRandom) with { Reason = reason };
        }

        var error = new JobError(reason, ErrorClasses.Released);
        var released = EndAttempt(job, now, JobState.Queued, error, outcome: "released") with
        {
            AttemptLimit = job.AttemptLimit + 1,
            Releases = releases,
        };
        return new JobChange(released, job.State, JobEventTypes.Requeued, reason);
    }

    /// <summary>The error of a release that is charged an attempt.</summary>
    public static string ChargedReleaseMessage(string reason, int maxReleases) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{reason} (released more than {maxReleases} times in this run, so this release is charged an attempt)");

    /// <summary>A worker that could take a job waiting for a larger GPU is online: the job is queued.</summary>
    public static JobChange LargerGpuFound(Job job, string workerId, DateTimeOffset now)
    {
        if (LargerGpu.WaitingAbove(job) is not { } above) throw new JobStateConflictException(job.Id, job.State, "release for a larger GPU");
        var queued = job with { State = JobState.Queued, QueuedAt = now, RunAt = null, WaitReason = null, UpdatedAt = now };
        return new JobChange(queued, job.State, JobEventTypes.Queued, LargerGpu.FoundReason(above, workerId));
    }

    /// <summary>No larger GPU came online while the job waited: it fails for good with class <c>oom</c>.</summary>
    public static JobChange LargerGpuWaitExpired(Job job, DateTimeOffset now)
    {
        if (!LargerGpu.IsWaiting(job)) throw new JobStateConflictException(job.Id, job.State, "end the larger-GPU wait of");
        var error = new JobError(LargerGpu.GaveUpMessage(job.WaitReason!), ErrorClasses.OutOfMemory);
        var failed = job with { State = JobState.Failed, Error = error, WaitReason = null, QueuedAt = null, FinishedAt = now, UpdatedAt = now };
        return new JobChange(failed, job.State, JobEventTypes.Failed, job.WaitReason);
    }

    /// <summary>The reaper found the lease expired: the worker is presumed dead. A crash counts as an attempt.</summary>
    public static JobChange Expire(Job job, DateTimeOffset now)
    {
        Require(job, JobState.Running, "expire the lease of");
        var error = new JobError($"Worker '{job.WorkerId}' stopped renewing its lease.", ErrorClasses.Lost);
        if (job.CancelRequested)
            return new JobChange(EndAttempt(job, now, JobState.Canceled, error), job.State, JobEventTypes.Canceled);
        if (job.Attempt >= job.AttemptLimit)
            return new JobChange(EndAttempt(job, now, JobState.Failed, error), job.State, JobEventTypes.Failed);
        return new JobChange(EndAttempt(job, now, JobState.Queued, error, outcome: "requeued"), job.State, JobEventTypes.Requeued);
    }

    /// <summary>The server's backstop for <see cref="Job.Timeout"/> when the worker did not enforce it.</summary>
    public static JobChange TimeOut(Job job, DateTimeOffset now)
    {
        Require(job, JobState.Running, "time out");
        var error = new JobError($"The attempt ran longer than its timeout of {job.Timeout}.", ErrorClasses.Timeout);
        return new JobChange(EndAttempt(job, now, JobState.Failed, error), job.State, JobEventTypes.Failed);
    }

    /// <summary>Pending jobs are canceled at once; a running job gets a cancel request carried by its next renew.</summary>
    public static JobChange Cancel(Job job, string? reason, DateTimeOffset now)
    {
        switch (job.State)
        {
            case var pending when pending.IsPending():
                return new JobChange(job with { State = JobState.Canceled, FinishedAt = now, UpdatedAt = now, QueuedAt = null, WaitReason = null }, job.State, JobEventTypes.Canceled, reason);
            case JobState.Running when job.CancelRequested:
                return new JobChange(job, job.State, null, reason);
            case JobState.Running:
                return new JobChange(job with { CancelRequested = true, UpdatedAt = now }, job.State, JobEventTypes.CancelRequested, reason);
            default:
                throw new JobStateConflictException(job.Id, job.State, "cancel");
        }
    }

    /// <summary>A person sends a failed or canceled job back to the queue with a fresh attempt budget.</summary>
    public static JobChange Retry(Job job, DateTimeOffset now)
    {
        if (!job.State.IsRetryable())
            throw new JobStateConflictException(job.Id, job.State, "retry");
        return new JobChange(Requeue(job, now), job.State, JobEventTypes.Retried);
    }

    /// <summary>A succeeded job is sent back for re-render, with the reason kept on the job.</summary>
    public static JobChange Flag(Job job, string reason, DateTimeOffset now)
    {
        Require(job, JobState.Succeeded, "flag");
        return new JobChange(Requeue(job, now) with { FlagReason = reason }, job.State, JobEventTypes.Flagged, reason);
    }

    public static JobChange SetPriority(Job job, int priority, DateTimeOffset now)
    {
        if (!job.State.IsPending())
            throw new JobStateConflictException(job.Id, job.State, "change the priority of");
        return new JobChange(job with { Priority = priority, UpdatedAt = now }, job.State, JobEventTypes.PriorityChanged);
    }

    /// <summary>The scheduler moves a due job to the queue.</summary>
    public static JobChange Promote(Job job, DateTimeOffset now)
    {
        Require(job, JobState.Scheduled, "promote");
        return new JobChange(job with { State = JobState.Queued, QueuedAt = now, UpdatedAt = now, WaitReason = null }, job.State, JobEventTypes.Queued);
    }

    /// <summary>A client downloaded the outputs of a succeeded job.</summary>
    public static JobChange Collect(Job job, DateTimeOffset now)
    {
        Require(job, JobState.Succeeded, "mark collected");
        return new JobChange(job with { CollectedAt = now, UpdatedAt = now }, job.State, JobEventTypes.Collected);
    }

    private static Job Requeue(Job job, DateTimeOffset now) => job with
    {
        State = JobState.Queued,
        AttemptLimit = job.Attempt + job.MaxAttempts,
        Error = null,
        Result = null,
        Progress = null,
        CancelRequested = false,
        Releases = 0,
        RunAt = null,
        QueuedAt = now,
        StartedAt = null,
        FinishedAt = null,
        CollectedAt = null,
        UpdatedAt = now,
    };

    private static Job EndAttempt(Job job, DateTimeOffset now, JobState next, JobError? error, string? outcome = null)
    {
        var attempts = job.Attempts.ToArray();
        if (attempts.Length > 0 && attempts[^1].Number == job.Attempt && attempts[^1].EndedAt is null)
            attempts[^1] = attempts[^1] with { EndedAt = now, Outcome = outcome ?? next.ToWire(), Error = error };

        return job with
        {
            State = next,
            Error = error ?? job.Error,
            WorkerId = null,
            AssignedGpu = null, // the attempt keeps it; leaving running frees the GPU's reservation
            LeaseExpiresAt = null,
            CancelRequested = false,
            QueuedAt = next == JobState.Queued ? now : null,
            FinishedAt = next.IsFinished() ? now : null,
            UpdatedAt = now,
            Attempts = attempts,
        };
    }

    private static void Require(Job job, JobState state, string operation)
    {
        if (job.State != state) throw new JobStateConflictException(job.Id, job.State, operation);
    }

    private static void RequireLease(Job job, LeaseToken token)
    {
        if (job.State != JobState.Running || job.Attempt != token.Attempt)
            throw new LeaseConflictException(token, job.State, job.Attempt);
    }
}
