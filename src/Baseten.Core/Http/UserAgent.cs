using System;
using System.Reflection;

namespace Baseten.Core.Http
{
    /// <summary>Builds the User-Agent that names this module and its host, as Baseten's own SDKs do.</summary>
    public static class UserAgent
    {
        /// <summary>The module's version, from the assembly (set once in Directory.Build.props).</summary>
        public static string ModuleVersion { get; } =
            typeof(UserAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(UserAgent).Assembly.GetName().Version.ToString(3);

        /// <summary><c>Baseten.PowerShell/0.1.0 PowerShell/7.6.10</c>.</summary>
        public static string Build(string hostName, string hostVersion)
        {
            var host = string.IsNullOrWhiteSpace(hostName) ? string.Empty : $" {Sanitize(hostName)}/{Sanitize(hostVersion ?? "unknown")}";
            return $"Baseten.PowerShell/{ModuleVersion}{host}";
        }

        private static string Sanitize(string token)
        {
            var chars = token.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (char.IsWhiteSpace(chars[i]) || chars[i] == '/' || chars[i] == '(' || chars[i] == ')') chars[i] = '-';
            }
            return new string(chars);
        }
    }
}
