using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Environments;
using Baseten.Core.Http;

namespace Baseten.Core
{
    /// <summary>
    /// The API as one caller sees it for one operation: the shared HTTP core plus this caller's connection,
    /// log and cancellation. Cheap to create; the resource groups hang off it (<see cref="Environments"/>, ...).
    /// </summary>
    public sealed class BasetenApi
    {
        private readonly BasetenHttpClient _http;
        private readonly IHttpLog _log;

        public BasetenApi(BasetenHttpClient http, BasetenConnection connection, IHttpLog log, CancellationToken cancellationToken)
        {
            _http = http ?? throw new ArgumentNullException(nameof(http));
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            _log = log ?? NullHttpLog.Instance;
            CancellationToken = cancellationToken;
            Environments = new EnvironmentsApi(this);
        }

        public BasetenConnection Connection { get; }

        public CancellationToken CancellationToken { get; }

        /// <summary>The environments of models: <c>/v1/models/{model_id}/environments</c>.</summary>
        public EnvironmentsApi Environments { get; }

        internal Task<T> SendAsync<T>(HttpMethod method, string path, object body = null, ReadBack<T> readBack = null) where T : class =>
            _http.SendAsync(Connection, method, path, body, readBack, _log, CancellationToken);
    }
}
