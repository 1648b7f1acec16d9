using System;
using System.Linq;

namespace Baseten.Core.Http
{
    /// <summary>Builds API paths with every variable segment escaped, so a name like "qa/blue" stays one segment.</summary>
    public static class ApiPath
    {
        /// <summary>Joins literal and variable segments: <c>Build("v1", "models", id, "environments")</c>.</summary>
        /// <remarks>Every segment is escaped; the literal ones have nothing to escape.</remarks>
        public static string Build(params string[] segments)
        {
            foreach (var segment in segments)
            {
                if (string.IsNullOrEmpty(segment))
                    throw new ArgumentException("A path segment is empty (an id or name was not given).", nameof(segments));
                // "." and ".." survive escaping and are then resolved away by Uri, silently sending the request
                // to another resource (GET .../environments/.. is the model); no id or name is ever one of them.
                if (segment == "." || segment == "..")
                    throw new ArgumentException($"'{segment}' is not a valid id or name.", nameof(segments));
            }
            return string.Join("/", segments.Select(Uri.EscapeDataString));
        }
    }
}
