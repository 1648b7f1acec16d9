using System;
using System.Collections.Generic;
using Baseten.Emulator.Server;

namespace Baseten.Emulator.Faults
{
    /// <summary>
    /// A path to fault, where "*" stands for exactly one segment ("/v1/models/*/environments").
    /// Compared segment by segment after URL-decoding both sides, like routing. The whole pattern "*"
    /// matches every path.
    /// </summary>
    internal sealed class PathPattern
    {
        private readonly string[] segments;
        private readonly bool matchesAll;

        public PathPattern(string pattern)
        {
            Text = pattern;
            var withoutQuery = pattern.Split('?')[0];
            matchesAll = withoutQuery == "*";
            segments = PathSegments.Decode(withoutQuery);
        }

        public string Text { get; }

        public bool IsMatch(IReadOnlyList<string> path)
        {
            if (matchesAll)
            {
                return true;
            }

            if (path.Count != segments.Length)
            {
                return false;
            }

            for (var i = 0; i < segments.Length; i++)
            {
                if (segments[i] != "*" && !string.Equals(segments[i], path[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
