using System.Collections.Generic;
using System.Text.Json.Nodes;
using Baseten.Emulator.State;

namespace Baseten.Emulator.Server
{
    /// <summary>What a route handler gets: the request, its path parameters, its validated body and the store.</summary>
    internal sealed class RequestContext
    {
        public RequestContext(ApiRequest request, IReadOnlyDictionary<string, string> routeValues, JsonObject body, EmulatorStore store)
        {
            Request = request;
            RouteValues = routeValues;
            Body = body;
            Store = store;
        }

        public ApiRequest Request { get; }

        /// <summary>Decoded path parameters by template name, e.g. "model_id".</summary>
        public IReadOnlyDictionary<string, string> RouteValues { get; }

        /// <summary>The request body, already validated against the route's schema; null for routes without one.</summary>
        public JsonObject Body { get; }

        public EmulatorStore Store { get; }

        public string this[string routeValue] => RouteValues[routeValue];
    }
}
