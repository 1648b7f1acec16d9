using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.State
{
    /// <summary>
    /// An environment's autoscaling schedules and their shared timezone, changed by the
    /// autoscaling_schedule_settings part of a PATCH (UpdateAutoscalingScheduleSettingsV1).
    /// </summary>
    internal sealed class ScheduleCollection
    {
        public string Timezone { get; private set; }

        /// <summary>Stored in AutoscalingScheduleV1 shape, in creation order.</summary>
        public List<JsonObject> Items { get; private set; } = new List<JsonObject>();

        /// <summary>Nothing was ever configured: the environment reports autoscaling_schedules null.</summary>
        public bool IsEmpty => Timezone == null && Items.Count == 0;

        public ScheduleCollection Clone() => new ScheduleCollection
        {
            Timezone = Timezone,
            Items = Items.Select(i => (JsonObject)i.DeepClone()).ToList(),
        };

        /// <summary>
        /// Applies deletions, then upserts, then the timezone. Callers apply to a clone and keep it only
        /// when this returns null, so a rejected PATCH changes nothing.
        /// </summary>
        public Rejection Apply(JsonObject update, Func<string> newId)
        {
            if (update["delete_schedules"] is JsonArray deletions)
            {
                foreach (var node in deletions)
                {
                    var id = (string)node;
                    var index = IndexOf(id);
                    if (index < 0)
                    {
                        return new Rejection(404, "Autoscaling schedule '" + id + "' not found");
                    }

                    Items.RemoveAt(index);
                }
            }

            if (update["schedules"] is JsonArray upserts)
            {
                foreach (var node in upserts)
                {
                    var upsert = (JsonObject)node;
                    var id = (string)upsert["id"];
                    if (id == null)
                    {
                        Items.Add(ToStored(newId(), upsert));
                        continue;
                    }

                    var index = IndexOf(id);
                    if (index < 0)
                    {
                        return new Rejection(404, "Autoscaling schedule '" + id + "' not found");
                    }

                    Items[index] = ToStored(id, upsert);
                }
            }

            // Unlike settings, an explicit null timezone means something: it is documented as allowed
            // only when every schedule is being deleted, and then clears the timezone.
            if (update.TryGetPropertyValue("timezone", out var timezone))
            {
                Timezone = (string)timezone;
            }

            if (Items.Count > 0 && Timezone == null)
            {
                return new Rejection(400, "A timezone is required while the environment has autoscaling schedules");
            }

            return null;
        }

        private int IndexOf(string id) =>
            Items.FindIndex(i => string.Equals((string)i["id"], id, StringComparison.Ordinal));

        private static JsonObject ToStored(string id, JsonObject upsert) => new JsonObject
        {
            ["id"] = id,
            ["name"] = Copy(upsert, "name"),
            ["enabled"] = Copy(upsert, "enabled"),
            ["cadence"] = Copy(upsert, "cadence"),
            ["weekdays"] = Copy(upsert, "weekdays"),
            ["start_hour"] = Copy(upsert, "start_hour"),
            ["start_minute"] = Copy(upsert, "start_minute"),
            ["end_hour"] = Copy(upsert, "end_hour"),
            ["end_minute"] = Copy(upsert, "end_minute"),
            ["autoscaling_settings"] = Copy(upsert, "autoscaling_settings"),
        };

        private static JsonNode Copy(JsonObject source, string key) => source[key]?.DeepClone();
    }
}
