using System.Linq;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.State
{
    /// <summary>
    /// Applies an (already validated) update object to stored settings, the way the API's partial
    /// updates work: a key that is absent or null leaves the stored value unchanged; nested objects
    /// merge recursively. One generic rule instead of a line per field, so a field added to a schema
    /// needs no code here.
    /// </summary>
    internal static class SettingsMerge
    {
        public static void Overlay(JsonObject target, JsonObject update)
        {
            if (update == null)
            {
                return;
            }

            foreach (var pair in update.ToList())
            {
                if (pair.Value == null)
                {
                    continue;
                }

                if (pair.Value is JsonObject nested)
                {
                    if (target[pair.Key] is JsonObject current)
                    {
                        Overlay(current, nested);
                    }
                    else
                    {
                        var created = SettingsDefaults.ForNested(pair.Key);
                        Overlay(created, nested);
                        target[pair.Key] = created;
                    }
                }
                else
                {
                    target[pair.Key] = pair.Value.DeepClone();
                }
            }
        }
    }
}
