using System;
using System.Collections.Generic;
using Baseten.Emulator.Validation;

namespace Baseten.Emulator.Server
{
    /// <summary>One operation: method, path template ("/v1/models/{model_id}"), body schema and handler.</summary>
    internal sealed class Route
    {
        private readonly string[] segments;

        public Route(string method, string template, ObjectSchema bodySchema, Func<RequestContext, ApiResponse> handler)
        {
            Method = method;
            Template = template;
            BodySchema = bodySchema;
            Handler = handler;
            segments = template.TrimStart('/').Split('/');
        }

        public string Method { get; }

        public string Template { get; }

        /// <summary>The schema the body must satisfy; null when the operation takes no body.</summary>
        public ObjectSchema BodySchema { get; }

        public Func<RequestContext, ApiResponse> Handler { get; }

        /// <summary>Matches decoded path segments; on success returns the "{name}" parameters, else null.</summary>
        public Dictionary<string, string> Match(IReadOnlyList<string> path)
        {
            if (path.Count != segments.Length)
            {
                return null;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                if (segment.StartsWith("{", StringComparison.Ordinal) && segment.EndsWith("}", StringComparison.Ordinal))
                {
                    // An empty segment ("/v1/models//environments") names nothing: no match, so 404.
                    if (path[i].Length == 0)
                    {
                        return null;
                    }

                    values[segment.Substring(1, segment.Length - 2)] = path[i];
                }
                else if (!string.Equals(segment, path[i], StringComparison.Ordinal))
                {
                    return null;
                }
            }

            return values;
        }
    }
}
