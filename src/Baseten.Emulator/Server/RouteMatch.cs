using System.Collections.Generic;

namespace Baseten.Emulator.Server
{
    /// <summary>The router's verdict: a route with its parameters, or why there is none (404 or 405).</summary>
    internal sealed class RouteMatch
    {
        private RouteMatch(Route route, IReadOnlyDictionary<string, string> values, IReadOnlyList<string> allowedMethods)
        {
            Route = route;
            Values = values;
            AllowedMethods = allowedMethods;
        }

        /// <summary>Null when nothing matched method and path.</summary>
        public Route Route { get; }

        public IReadOnlyDictionary<string, string> Values { get; }

        /// <summary>When the path exists but not for this method: the methods it has (for 405 and Allow).</summary>
        public IReadOnlyList<string> AllowedMethods { get; }

        public bool PathExists => Route != null || AllowedMethods.Count > 0;

        public static RouteMatch Found(Route route, IReadOnlyDictionary<string, string> values) =>
            new RouteMatch(route, values, new string[0]);

        public static RouteMatch NotFound(IReadOnlyList<string> allowedMethods) =>
            new RouteMatch(null, null, allowedMethods);
    }
}
