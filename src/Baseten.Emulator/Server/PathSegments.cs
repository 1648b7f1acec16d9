using System;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// Splits a raw path into segments and decodes each one separately, so an escaped slash
    /// ("a%2Fb") stays inside its segment instead of creating a new one.
    /// </summary>
    internal static class PathSegments
    {
        public static string[] Decode(string rawPath)
        {
            var trimmed = rawPath.StartsWith("/", StringComparison.Ordinal) ? rawPath.Substring(1) : rawPath;
            var parts = trimmed.Split('/');
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = Uri.UnescapeDataString(parts[i]);
            }

            return parts;
        }
    }
}
