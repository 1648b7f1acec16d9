using System;

namespace Baseten.Core.Http
{
    /// <summary>
    /// How transient failures are retried. On by default and conservative: a few attempts, waits the server asks
    /// for or exponential backoff with jitter, and a cap on the total time spent waiting.
    /// </summary>
    public sealed class RetryPolicy
    {
        public static readonly RetryPolicy Default = new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

        /// <summary>No retries at all.</summary>
        public static readonly RetryPolicy None = new RetryPolicy(0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.Zero);

        public RetryPolicy(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan maxRetryTime)
        {
            if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries), "MaxRetries cannot be negative.");
            if (baseDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(baseDelay));
            if (maxDelay < baseDelay) throw new ArgumentOutOfRangeException(nameof(maxDelay), "MaxDelay must be at least BaseDelay.");
            if (maxRetryTime < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxRetryTime));
            MaxRetries = maxRetries;
            BaseDelay = baseDelay;
            MaxDelay = maxDelay;
            MaxRetryTime = maxRetryTime;
        }

        /// <summary>Retries after the first attempt (0 = never retry).</summary>
        public int MaxRetries { get; }

        /// <summary>The first backoff wait when the server asks for none; doubles per retry.</summary>
        public TimeSpan BaseDelay { get; }

        /// <summary>The longest one backoff wait may be.</summary>
        public TimeSpan MaxDelay { get; }

        /// <summary>
        /// The most time all waits of one call may add up to. A server asking for a longer wait than what is left
        /// ends the call with its error instead of a wait the caller did not agree to.
        /// </summary>
        public TimeSpan MaxRetryTime { get; }

        public RetryPolicy WithMaxRetries(int maxRetries) => new RetryPolicy(maxRetries, BaseDelay, MaxDelay, MaxRetryTime);

        public RetryPolicy WithMaxRetryTime(TimeSpan maxRetryTime) => new RetryPolicy(MaxRetries, BaseDelay, MaxDelay, maxRetryTime);

        public RetryPolicy WithBaseDelay(TimeSpan baseDelay) =>
            new RetryPolicy(MaxRetries, baseDelay, baseDelay > MaxDelay ? baseDelay : MaxDelay, MaxRetryTime);

        /// <summary>
        /// Backoff before retry number <paramref name="retry"/> (1-based): half of the doubled delay fixed, half
        /// random ("equal jitter"), so clients that failed together do not retry together, and no wait is near zero.
        /// </summary>
        /// <param name="jitter">A random draw in [0, 1).</param>
        public TimeSpan Backoff(int retry, double jitter)
        {
            var exponent = Math.Min(Math.Max(retry, 1) - 1, 20);
            var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
            var half = ceiling / 2;
            var draw = double.IsNaN(jitter) ? 0 : Math.Min(Math.Max(jitter, 0), 1);
            return TimeSpan.FromMilliseconds(half + draw * half);
        }

        public override string ToString() =>
            $"MaxRetries {MaxRetries}, BaseDelay {BaseDelay.TotalSeconds:0.###} s, MaxDelay {MaxDelay.TotalSeconds:0.###} s, MaxRetryTime {MaxRetryTime.TotalSeconds:0.###} s";
    }
}
