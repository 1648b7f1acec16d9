using System.Collections.Specialized;
using System.Management.Automation;

namespace Baseten.PowerShell
{
    /// <summary>
    /// Strips PowerShell's wrappers from values before the core sees them: hashtable values often arrive as
    /// PSObject (System.Text.Json would fail on them with "object cycle"), [pscustomobject] stands for a
    /// dictionary, and a switch stands for a bool.
    /// </summary>
    internal static class PowerShellValues
    {
        public static object Unwrap(object value)
        {
            while (value is PSObject wrapped)
            {
                if (wrapped.BaseObject is PSCustomObject) return ToDictionary(wrapped);
                value = wrapped.BaseObject;
            }
            if (value is SwitchParameter flag) return flag.IsPresent;
            return value;
        }

        private static OrderedDictionary ToDictionary(PSObject custom)
        {
            var result = new OrderedDictionary();
            foreach (var property in custom.Properties)
            {
                result[property.Name] = property.Value;
            }
            return result;
        }
    }
}
