using System;
using System.Collections.Generic;
using Baseten.Emulator.Validation;

namespace Baseten.Emulator.Server
{
    /// <summary>The route table. Resources register their operations; the pipeline asks for a match.</summary>
    internal sealed class Router
    {
        private readonly List<Route> routes = new List<Route>();

        public void Add(string method, string template, Func<RequestContext, ApiResponse> handler) =>
            routes.Add(new Route(method, template, null, handler));

        public void Add(string method, string template, ObjectSchema bodySchema, Func<RequestContext, ApiResponse> handler) =>
            routes.Add(new Route(method, template, bodySchema, handler));

        public RouteMatch Match(string method, IReadOnlyList<string> segments)
        {
            var allowed = new List<string>();
            foreach (var route in routes)
            {
                var values = route.Match(segments);
                if (values == null)
                {
                    continue;
                }

                if (string.Equals(route.Method, method, StringComparison.Ordinal))
                {
                    return RouteMatch.Found(route, values);
                }

                if (!allowed.Contains(route.Method))
                {
                    allowed.Add(route.Method);
                }
            }

            return RouteMatch.NotFound(allowed);
        }
    }
}
