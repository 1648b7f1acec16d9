using System;
using System.Collections.Generic;
using Baseten.Emulator.Faults;
using Baseten.Emulator.Logging;
using Baseten.Emulator.Resources;
using Baseten.Emulator.Server;
using Baseten.Emulator.State;

namespace Baseten.Emulator
{
    /// <summary>
    /// A local, stateful stand-in for Baseten's management API on 127.0.0.1, for tests, demos and
    /// scripts. Start it, seed models, point a client at <see cref="BaseUri"/> with <see cref="ApiKey"/>.
    /// <code>
    /// $emu = [Baseten.Emulator.BasetenEmulator]::Start()
    /// $model = $emu.AddModel('my-llm')
    /// </code>
    /// </summary>
    public sealed class BasetenEmulator : IDisposable
    {
        private readonly EmulatorStore store = new EmulatorStore();
        private readonly RequestLog log = new RequestLog();
        private readonly FaultInjector faults = new FaultInjector();
        private readonly RateLimiter limiter;
        private readonly RequestPipeline pipeline;
        private readonly ListenerHost host;

        private BasetenEmulator(EmulatorOptions options)
        {
            ApiKey = options.ApiKey;

            // PowerShell turns $null into "" when it sets a string property, so empty means "none" too.
            ReadOnlyApiKey = string.IsNullOrWhiteSpace(options.ReadOnlyApiKey) ? null : options.ReadOnlyApiKey;

            var router = new Router();
            ModelsResource.Register(router);
            DeploymentsResource.Register(router);
            EnvironmentsResource.Register(router);

            limiter = new RateLimiter(options.RateLimitPerSecond);
            pipeline = new RequestPipeline(router, new Authenticator(ApiKey, ReadOnlyApiKey), faults, limiter, log, store);
            host = ListenerHost.Start(options.Port, pipeline.HandleAsync);

            var logDirectory = string.IsNullOrWhiteSpace(options.RequestLogDirectory)
                ? Environment.GetEnvironmentVariable(EmulatorOptions.RequestLogDirectoryVariable)
                : options.RequestLogDirectory;
            log.File = RequestLogFile.For(logDirectory, host.BaseUri.Port);
        }

        /// <summary>The root to send requests to, e.g. http://127.0.0.1:51234/ (paths start with v1/).</summary>
        public Uri BaseUri => host.BaseUri;

        /// <summary>The full-access key the emulator accepts.</summary>
        public string ApiKey { get; }

        /// <summary>The read-only key, or null when none was configured.</summary>
        public string ReadOnlyApiKey { get; }

        public bool IsRunning => host.IsRunning;

        /// <summary>Every request answered so far, oldest first: a snapshot, safe to enumerate while requests continue.</summary>
        public IReadOnlyList<RecordedRequest> Requests => log.Snapshot();

        /// <summary>
        /// The file the request log is persisted to, one JSON line per request
        /// (see <see cref="EmulatorOptions.RequestLogDirectory"/>), or null when it is not persisted.
        /// </summary>
        public string RequestLogPath => log.File?.Path;

        /// <summary>Requests received since the start, whatever became of them (faulted, throttled, refused); not reset by <see cref="ClearRequests"/>.</summary>
        public long RequestCount => pipeline.RequestCount;

        /// <summary>Requests the rate limit refused with 429 since the start (injected 429s not included).</summary>
        public long ThrottledCount => limiter.ThrottledCount;

        /// <summary>The current per-key limit in requests per second; 0 when off. See <see cref="SetRateLimit"/>.</summary>
        public int RateLimitPerSecond => limiter.PerSecond;

        /// <summary>Starts on a free loopback port with the default key.</summary>
        public static BasetenEmulator Start() => Start(new EmulatorOptions());

        public static BasetenEmulator Start(EmulatorOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            if (string.IsNullOrWhiteSpace(options.ApiKey))
            {
                throw new ArgumentException("ApiKey must not be empty.", nameof(options));
            }

            if (options.ReadOnlyApiKey == options.ApiKey)
            {
                throw new ArgumentException("ReadOnlyApiKey must differ from ApiKey.", nameof(options));
            }

            if (options.Port < 0 || options.Port > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Port must be 0 (any free port) or 1-65535.");
            }

            if (options.RateLimitPerSecond < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "RateLimitPerSecond must be 0 (no limit) or more.");
            }

            return new BasetenEmulator(options);
        }

        /// <summary>
        /// Seeds a model as it is after a first successful deploy: an ACTIVE production deployment
        /// serving the "production" environment. Names need not be unique (the real API makes them
        /// unique only within a team), which lets a test cover an ambiguous name.
        /// </summary>
        public EmulatedModel AddModel(string name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A model needs a name.", nameof(name));
            }

            var model = store.AddModel(name);
            return new EmulatedModel(model.Id, model.Name, model.ProductionDeployment.Id);
        }

        public void ClearRequests() => log.Clear();

        /// <summary>
        /// Makes the next <paramref name="times"/> requests matching <paramref name="method"/> ("*" for any)
        /// and <paramref name="pathPattern"/> ("*" stands for one path segment) answer
        /// <paramref name="statusCode"/> with <paramref name="body"/> (null or empty: a default body
        /// {"error": "..."}; for 429 Baseten's documented rate-limit body with retry_after 1).
        /// </summary>
        public void InjectFault(string method, string pathPattern, int statusCode, string body, int times) =>
            InjectFault(method, pathPattern, statusCode, body, times, 0);

        /// <summary>
        /// As the other overload, after waiting <paramref name="delayMilliseconds"/>; with
        /// <paramref name="statusCode"/> 0 the request is then answered normally (a slow server).
        /// </summary>
        public void InjectFault(string method, string pathPattern, int statusCode, string body, int times, int delayMilliseconds)
        {
            if (string.IsNullOrWhiteSpace(method))
            {
                throw new ArgumentException("Give an HTTP method, or '*' for any.", nameof(method));
            }

            if (string.IsNullOrWhiteSpace(pathPattern))
            {
                throw new ArgumentException("Give a path such as '/v1/models/*/environments', or '*' for any.", nameof(pathPattern));
            }

            if (statusCode != 0 && (statusCode < 100 || statusCode > 599))
            {
                throw new ArgumentOutOfRangeException(nameof(statusCode), "Use 100-599, or 0 to answer normally after the delay.");
            }

            if (times < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(times), "A fault fires at least once.");
            }

            if (delayMilliseconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(delayMilliseconds), "The delay cannot be negative.");
            }

            faults.Add(Fault.From(new FaultSpec
            {
                Method = method,
                Path = pathPattern,
                Kind = statusCode == 0 ? FaultKind.Delay : FaultKind.Status,
                StatusCode = statusCode,
                Body = body,
                Times = times,
                DelayMilliseconds = delayMilliseconds,
            }));
        }

        /// <summary>
        /// Injects any kind of fault (see <see cref="FaultKind"/>): wrong answers, resets, lost answers, hangs,
        /// every Nth request. Faults match in the order injected, whichever overload injected them.
        /// <code>
        /// $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'POST'; Path = '/v1/models/*/environments'; Kind = 'LoseResponse' })
        /// </code>
        /// </summary>
        /// <exception cref="ArgumentException">The spec makes no sense (the message names the property).</exception>
        public void InjectFault(FaultSpec spec) => faults.Add(Fault.From(spec));

        /// <summary>Removes every pending fault, of either overload.</summary>
        public void ClearFaults() => faults.Clear();

        /// <summary>
        /// Sets the per-key rate limit at run time (see <see cref="EmulatorOptions.RateLimitPerSecond"/>);
        /// 0 turns it off. Takes effect from the next request.
        /// </summary>
        public void SetRateLimit(int perSecond)
        {
            if (perSecond < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(perSecond), "Use 0 (no limit) or more requests per second.");
            }

            limiter.PerSecond = perSecond;
        }

        /// <summary>Stops listening at once; requests still in flight are dropped. Safe to call twice; never throws.</summary>
        public void Stop() => host.Stop();

        public void Dispose() => Stop();
    }
}
