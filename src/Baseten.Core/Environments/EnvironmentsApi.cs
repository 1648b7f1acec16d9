using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;

namespace Baseten.Core.Environments
{
    /// <summary>The environment operations of the management API.</summary>
    public sealed class EnvironmentsApi
    {
        private readonly BasetenApi _api;

        internal EnvironmentsApi(BasetenApi api)
        {
            _api = api;
        }

        /// <summary>
        /// How far the API's clock may be behind ours when telling an environment this call created from one that
        /// existed before it.
        /// </summary>
        public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

        /// <summary>
        /// <c>POST /v1/models/{model_id}/environments</c>: creates an environment and returns it. When the answer is
        /// lost (a gateway's 502/504, a dropped connection), the environment is read back before anything is sent
        /// again: one created since this call began is returned, so a retry never creates twice and never reports
        /// its own create as a conflict.
        /// </summary>
        public Task<EnvironmentV1> CreateAsync(string modelId, CreateEnvironmentRequestV1 request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (string.IsNullOrWhiteSpace(request.Name)) throw new ArgumentException("The environment name is empty.", nameof(request));
            var path = ApiPath.Build("v1", "models", modelId, "environments");
            var notBefore = DateTimeOffset.UtcNow - ClockSkewAllowance;
            return _api.SendAsync(HttpMethod.Post, path, request, token => FindCreatedSinceAsync(modelId, request.Name, notBefore));
        }

        /// <summary>The environment if it exists and was created at or after <paramref name="notBefore"/>, else null.</summary>
        private async Task<EnvironmentV1> FindCreatedSinceAsync(string modelId, string name, DateTimeOffset notBefore)
        {
            try
            {
                var environment = await GetAsync(modelId, name).ConfigureAwait(false);
                return environment.CreatedAt >= notBefore ? environment : null;
            }
            catch (BasetenApiException notFound) when (notFound.StatusCode == 404)
            {
                return null;
            }
        }

        /// <summary><c>GET /v1/models/{model_id}/environments</c>: every environment of a model.</summary>
        public async Task<IReadOnlyList<EnvironmentV1>> ListAsync(string modelId)
        {
            var path = ApiPath.Build("v1", "models", modelId, "environments");
            var list = await _api.SendAsync<EnvironmentsV1>(HttpMethod.Get, path).ConfigureAwait(false);
            return list.Environments; // never null: the reader refuses a list answer without it
        }

        /// <summary><c>GET /v1/models/{model_id}/environments/{env_name}</c>: one environment.</summary>
        public Task<EnvironmentV1> GetAsync(string modelId, string name) =>
            _api.SendAsync<EnvironmentV1>(HttpMethod.Get, ApiPath.Build("v1", "models", modelId, "environments", name));
    }
}
