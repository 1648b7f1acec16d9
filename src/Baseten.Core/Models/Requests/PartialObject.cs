using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Baseten.Core.Json;
using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>
    /// Base of the request objects. The API treats an absent field and an explicit null differently in
    /// places (a null backpressure policy clears it; the documented create example sends
    /// <c>"target_utilization_percentage": null</c>), so each object remembers which properties were given,
    /// null included, and only those are serialized.
    /// </summary>
    public abstract class PartialObject
    {
        private readonly Dictionary<string, object> _given = new Dictionary<string, object>(StringComparer.Ordinal);

        /// <summary>True when the property was set, even to null.</summary>
        public bool IsGiven(string propertyName) => _given.ContainsKey(propertyName);

        /// <summary>Makes a property absent again, so it is not sent.</summary>
        public void Forget(string propertyName) => _given.Remove(propertyName);

        /// <summary>The names of the properties that were set, in the order they were set.</summary>
        public IReadOnlyCollection<string> GetGivenProperties() => new List<string>(_given.Keys);

        protected T Get<T>([CallerMemberName] string propertyName = null) =>
            _given.TryGetValue(propertyName, out var value) && value != null ? (T)value : default;

        protected void Set(object value, [CallerMemberName] string propertyName = null) => _given[propertyName] = value;

        internal bool TryGetGiven(string propertyName, out object value) => _given.TryGetValue(propertyName, out value);
    }
}
