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

        /// <summary><c>POST /v1/models/{model_id}/environments</c>: creates an environment and returns it.</summary>
        public Task<EnvironmentV1> CreateAsync(string modelId, CreateEnvironmentRequestV1 request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (string.IsNullOrWhiteSpace(request.Name)) throw new ArgumentException("The environment name is empty.", nameof(request));
            return _api.SendAsync<EnvironmentV1>(HttpMethod.Post, ApiPath.Build("v1", "models", modelId, "environments"), request);
        }

        /// <summary><c>GET /v1/models/{model_id}/environments</c>: every environment of a model.</summary>
        public async Task<IReadOnlyList<EnvironmentV1>> ListAsync(string modelId)
        {
            var path = ApiPath.Build("v1", "models", modelId, "environments");
            var list = await _api.SendAsync<EnvironmentsV1>(HttpMethod.Get, path).ConfigureAwait(false);
            if (list.Environments == null)
                throw new BasetenResponseException("the body has no \"environments\" list.", 200, null, "GET", path);
            return list.Environments;
        }

        /// <summary><c>GET /v1/models/{model_id}/environments/{env_name}</c>: one environment.</summary>
        public Task<EnvironmentV1> GetAsync(string modelId, string name) =>
            _api.SendAsync<EnvironmentV1>(HttpMethod.Get, ApiPath.Build("v1", "models", modelId, "environments", name));
    }
}
