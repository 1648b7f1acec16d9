using System;
using System.Collections.Generic;
using System.Linq;

namespace Baseten.Core.Models
{
    /// <summary>
    /// Base of the API's string enums (statuses, policies). The API adds enum values over time, so a value
    /// the module does not know is kept as the string the API sent instead of failing the whole response.
    /// Compares equal to its string, ignoring case, so <c>$d.Status -eq 'ACTIVE'</c> works in PowerShell.
    /// </summary>
    public abstract class ApiStringEnum : IEquatable<ApiStringEnum>, IComparable
    {
        protected ApiStringEnum(string value, IReadOnlyList<string> knownValues)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            KnownValues = knownValues;
            // A known value typed in another case ('active') takes the API's spelling.
            Value = knownValues.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase)) ?? value;
        }

        /// <summary>The value exactly as the API spells it.</summary>
        public string Value { get; }

        /// <summary>The values this version of the module knows (the OpenAPI document's enum).</summary>
        public IReadOnlyList<string> KnownValues { get; }

        /// <summary>False when the API sent a value newer than this module.</summary>
        public bool IsKnown => KnownValues.Contains(Value, StringComparer.Ordinal);

        public override string ToString() => Value;

        public bool Equals(ApiStringEnum other) =>
            other != null && other.GetType() == GetType() && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

        public override bool Equals(object obj)
        {
            if (obj is string text) return string.Equals(Value, text, StringComparison.OrdinalIgnoreCase);
            return Equals(obj as ApiStringEnum);
        }

        public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

        public int CompareTo(object obj) =>
            string.Compare(Value, obj is ApiStringEnum e ? e.Value : obj?.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
