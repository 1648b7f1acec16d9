using System.Collections.Generic;

namespace Baseten.Emulator.Validation
{
    /// <summary>Builds FastAPI "loc" paths: each step copies, so sibling fields never share a list.</summary>
    internal static class Loc
    {
        public static IReadOnlyList<object> Body { get; } = new object[] { "body" };

        public static IReadOnlyList<object> Append(IReadOnlyList<object> loc, object part)
        {
            var copy = new object[loc.Count + 1];
            for (var i = 0; i < loc.Count; i++)
            {
                copy[i] = loc[i];
            }

            copy[loc.Count] = part;
            return copy;
        }
    }
}
