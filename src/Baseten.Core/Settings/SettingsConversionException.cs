using System;

namespace Baseten.Core.Settings
{
    /// <summary>A settings hashtable the API would refuse: an unknown key or a value of the wrong type.</summary>
    public sealed class SettingsConversionException : ArgumentException
    {
        public SettingsConversionException(string message, string keyPath) : base(message)
        {
            KeyPath = keyPath;
        }

        /// <summary>Where the problem is, e.g. <c>promotion_settings.rolling_deploy_config.max_surge_percent</c>.</summary>
        public string KeyPath { get; }
    }
}
