using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core;
using Baseten.Core.Http;

namespace Baseten.PowerShell
{
    /// <summary>
    /// Base of the cmdlets that call the API: resolves the sign-in once per invocation, runs calls on the shared
    /// HTTP core with Ctrl+C wired to cancellation, relays diagnostics, and reports failures per pipeline item.
    /// </summary>
    public abstract class BasetenCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private BasetenApi _api;
        private PipelineHttpLog _log;

        /// <summary>Retries of a transient failure for this call; overrides the session's setting.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetry { get; set; }

        /// <summary>How long one attempt may take for this call; overrides the session's setting.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; }

        protected override void BeginProcessing()
        {
            BasetenContext context;
            try
            {
                context = BasetenSession.Resolve();
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(BasetenErrors.BaseUriRecord(ex, Environment.GetEnvironmentVariable(BasetenSession.ApiUrlVariable)));
                return;
            }
            if (context == null) ThrowTerminatingError(BasetenErrors.NotConnectedRecord());
            var connection = context.Connection;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxRetry)))
                connection = connection.WithRetryPolicy(connection.RetryPolicy.WithMaxRetries(MaxRetry));
            if (MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)))
                connection = connection.WithTimeout(TimeSpan.FromSeconds(TimeoutSec));
            _log = new PipelineHttpLog(IsDebugEnabled());
            _api = new BasetenApi(BasetenSession.GetClient(this, connection.Proxy), connection, _log, _stop.Token);
        }

        /// <summary>
        /// Runs one API call and waits for it on the pipeline thread, writing its Verbose and Debug lines as they
        /// come. Ctrl+C cancels the request in flight and stops the pipeline.
        /// </summary>
        internal T Invoke<T>(Func<BasetenApi, Task<T>> call)
        {
            var task = call(_api);
            while (!WaitBriefly(task)) WriteLogLines();
            WriteLogLines();
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Waits up to 50 ms; true when the call has finished, however it ended.</summary>
        private static bool WaitBriefly(Task task)
        {
            try
            {
                return task.Wait(50);
            }
            catch (AggregateException)
            {
                return true; // faulted or cancelled: GetResult rethrows the original exception
            }
        }

        /// <summary>Reports a failed call for one pipeline item and lets the pipeline go on.</summary>
        internal void WriteApiError(BasetenException error, object target, ApiErrorIds ids) =>
            WriteError(BasetenErrors.FromException(error, target, ids));

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose()
        {
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }

        private void WriteLogLines()
        {
            while (_log.TryTake(out var isDebug, out var text))
            {
                if (isDebug) WriteDebug(text);
                else WriteVerbose(text);
            }
        }

        private bool IsDebugEnabled()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Debug", out var debug))
                return debug is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(debug);
            // A script may set $DebugPreference = 'Continue' (a string), as Write-Debug accepts.
            return LanguagePrimitives.TryConvertTo(GetVariableValue("DebugPreference"), out ActionPreference action)
                && action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore;
        }
    }
}
