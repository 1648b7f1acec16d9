using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json.Serialization;
using Baseten.Core.Models;

namespace Baseten.Core.Json
{
    /// <summary>What kind of JSON value a request field takes.</summary>
    public enum FieldKind
    {
        String,
        Integer,
        Boolean,
        Enum,
        Object,
    }

    /// <summary>One field of a request object: its wire name, CLR property and accepted values.</summary>
    public sealed class RequestField
    {
        internal RequestField(PropertyInfo property, string jsonName)
        {
            Property = property;
            JsonName = jsonName;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Kind = type == typeof(string) ? FieldKind.String
                : type == typeof(int) || type == typeof(long) ? FieldKind.Integer
                : type == typeof(bool) ? FieldKind.Boolean
                : typeof(ApiStringEnum).IsAssignableFrom(type) ? FieldKind.Enum
                : typeof(PartialObject).IsAssignableFrom(type) ? FieldKind.Object
                : throw new InvalidOperationException($"No field kind for {property.DeclaringType.Name}.{property.Name}.");
            var range = property.GetCustomAttribute<ApiRangeAttribute>();
            Minimum = range?.Minimum ?? (type == typeof(int) ? int.MinValue : long.MinValue);
            Maximum = range?.Maximum ?? (type == typeof(int) ? int.MaxValue : long.MaxValue);
            if (Kind == FieldKind.Enum)
                EnumValues = (IReadOnlyList<string>)type.GetField("Known", BindingFlags.Public | BindingFlags.Static).GetValue(null);
        }

        public PropertyInfo Property { get; }
        public string JsonName { get; }
        public FieldKind Kind { get; }
        public long Minimum { get; }
        public long Maximum { get; }

        /// <summary>For <see cref="FieldKind.Enum"/>: the values the API accepts.</summary>
        public IReadOnlyList<string> EnumValues { get; }

        /// <summary>Describes what the field accepts, for error messages.</summary>
        public string Describe()
        {
            switch (Kind)
            {
                case FieldKind.Integer:
                    var hasRange = Minimum != int.MinValue && Minimum != long.MinValue;
                    return hasRange ? $"an integer from {Minimum} to {Maximum}, or $null" : "an integer, or $null";
                case FieldKind.Boolean: return "$true, $false or $null";
                case FieldKind.Enum: return "one of " + string.Join(", ", EnumValues) + ", or $null";
                case FieldKind.Object: return "a hashtable of " + RequestSchema.For(Property.PropertyType).AcceptedKeys() + ", or $null";
                default: return "a string";
            }
        }
    }

    /// <summary>The fields of a request type, read once from its properties' [JsonPropertyName] attributes.</summary>
    public sealed class RequestSchema
    {
        private static readonly ConcurrentDictionary<Type, RequestSchema> Cache = new ConcurrentDictionary<Type, RequestSchema>();

        private RequestSchema(Type type)
        {
            Type = type;
            Fields = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => new { Property = p, Name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name })
                .Where(p => p.Name != null)
                .Select(p => new RequestField(p.Property, p.Name))
                .ToList();
        }

        public Type Type { get; }
        public IReadOnlyList<RequestField> Fields { get; }

        public static RequestSchema For(Type type) => Cache.GetOrAdd(type, t => new RequestSchema(t));

        public RequestField FindByJsonName(string jsonName) => Fields.FirstOrDefault(f => f.JsonName == jsonName);

        /// <summary>The wire names, for "accepted keys" in error messages.</summary>
        public string AcceptedKeys() => string.Join(", ", Fields.Select(f => f.JsonName));
    }
}
