using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.Json.Serialization;
using Baseten.Core.Json;
using Baseten.Core.Models;

namespace Baseten.Core.Settings
{
    /// <summary>
    /// Turns a dictionary of settings (a PowerShell hashtable) into a typed request object, checking every key
    /// and value before anything is sent. Keys may be the API's snake_case or the property's PascalCase, in any
    /// letter case; only the keys given are set, and a key given as null is kept as an explicit null.
    /// </summary>
    public static class SettingsConverter
    {
        /// <summary>
        /// Converts <paramref name="input"/> (a dictionary, or already a <typeparamref name="T"/>) to <typeparamref name="T"/>.
        /// </summary>
        /// <param name="unwrap">Strips host wrappers from values (PowerShell's PSObject); identity when null.</param>
        /// <param name="path">The name of the settings in messages, e.g. <c>autoscaling_settings</c>.</param>
        public static T Convert<T>(object input, Func<object, object> unwrap, string path) where T : PartialObject, new() =>
            (T)Convert(typeof(T), input, unwrap, path);

        /// <summary>Converts <paramref name="input"/> to the request type <paramref name="type"/>.</summary>
        public static object Convert(Type type, object input, Func<object, object> unwrap, string path)
        {
            if (!typeof(PartialObject).IsAssignableFrom(type))
                throw new ArgumentException($"{type.Name} is not a request type.", nameof(type));
            unwrap = unwrap ?? (v => v);
            input = unwrap(input);
            if (input == null || type.IsInstanceOfType(input)) return input;
            // Settings read from the API (an EnvironmentV1's AutoscalingSettings) can be sent back as they are,
            // e.g. to copy an environment's settings to another model.
            if (input is ApiObject reported) input = ToDictionary(reported);
            if (!(input is IDictionary dictionary))
                throw new SettingsConversionException(
                    $"'{path}' must be a hashtable or a {type.Name}, not a {input.GetType().Name}. Accepted keys: {RequestSchema.For(type).AcceptedKeys()}.",
                    path);

            var schema = RequestSchema.For(type);
            var result = (PartialObject)Activator.CreateInstance(type);
            var seen = new Dictionary<RequestField, string>();
            foreach (DictionaryEntry entry in dictionary)
            {
                var key = unwrap(entry.Key)?.ToString() ?? string.Empty;
                var field = FindField(schema, key);
                var keyPath = path + "." + (field?.JsonName ?? key);
                if (field == null) throw UnknownKey(schema, key, path);
                if (seen.TryGetValue(field, out var earlier))
                    throw new SettingsConversionException(
                        $"'{path}' gives '{field.JsonName}' twice (as '{earlier}' and '{key}'). Give each setting once.", keyPath);
                seen[field] = key;
                field.Property.SetValue(result, ConvertValue(field, entry.Value, unwrap, keyPath));
            }
            return result;
        }

        private static object ConvertValue(RequestField field, object raw, Func<object, object> unwrap, string keyPath)
        {
            var value = unwrap(raw);
            if (value == null) return null;
            switch (field.Kind)
            {
                case FieldKind.Integer: return ToInteger(field, value, keyPath);
                case FieldKind.Boolean:
                    if (value is bool flag) return flag;
                    break;
                case FieldKind.Enum: return ToEnum(field, value, keyPath);
                case FieldKind.Object: return Convert(field.Property.PropertyType, value, unwrap, keyPath);
                case FieldKind.String:
                    if (value is string text) return text;
                    break;
            }
            throw WrongType(field, value, keyPath);
        }

        private static object ToInteger(RequestField field, object value, string keyPath)
        {
            decimal number;
            switch (value)
            {
                case byte _: case sbyte _: case short _: case ushort _: case int _: case uint _: case long _: case ulong _:
                    number = System.Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                    break;
                // 1e3 or 2.0 in a script are whole numbers; 2.5 is not, and is refused rather than rounded.
                case double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 1e20 && Math.Floor(d) == d:
                    number = (decimal)d;
                    break;
                case float f when !float.IsNaN(f) && !float.IsInfinity(f) && Math.Abs(f) < 1e20f && Math.Floor(f) == f:
                    number = (decimal)f;
                    break;
                case decimal m when decimal.Truncate(m) == m:
                    number = m;
                    break;
                default:
                    throw WrongType(field, value, keyPath);
            }
            if (number < field.Minimum || number > field.Maximum)
                throw new SettingsConversionException(
                    $"'{keyPath}' is {number.ToString(CultureInfo.InvariantCulture)}, out of range: it must be {field.Describe()}.", keyPath);
            if (field.Property.PropertyType == typeof(long?) || field.Property.PropertyType == typeof(long)) return (long)number;
            return (int)number;
        }

        private static object ToEnum(RequestField field, object value, string keyPath)
        {
            var enumType = Nullable.GetUnderlyingType(field.Property.PropertyType) ?? field.Property.PropertyType;
            if (enumType.IsInstanceOfType(value)) return value;
            // PowerShell enums and strings alike: match the API's values ignoring case.
            var text = value is string s ? s : value.GetType().IsEnum ? value.ToString() : null;
            var known = text == null ? null : field.EnumValues.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase));
            if (known == null) throw WrongType(field, value, keyPath);
            return Activator.CreateInstance(enumType, known);
        }

        private static IDictionary ToDictionary(ApiObject reported)
        {
            var result = new Dictionary<string, object>();
            foreach (var property in reported.GetType().GetProperties())
            {
                var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
                if (name != null) result[name] = property.GetValue(reported);
            }
            return result;
        }

        private static RequestField FindField(RequestSchema schema, string key)
        {
            var normalized = Normalize(key);
            return schema.Fields.FirstOrDefault(f => Normalize(f.JsonName) == normalized || Normalize(f.Property.Name) == normalized);
        }

        /// <summary>max_replica, MaxReplica, MAX_REPLICA and maxreplica are one key.</summary>
        private static string Normalize(string key) => key.Replace("_", string.Empty).ToUpperInvariant();

        private static SettingsConversionException UnknownKey(RequestSchema schema, string key, string path)
        {
            var suggestion = schema.Fields
                .Select(f => new { f.JsonName, Distance = EditDistance(Normalize(key), Normalize(f.JsonName)) })
                .OrderBy(x => x.Distance)
                .FirstOrDefault(x => x.Distance <= 3);
            var hint = suggestion == null ? string.Empty : $" Did you mean '{suggestion.JsonName}'?";
            return new SettingsConversionException(
                $"'{path}' has an unknown key '{key}'.{hint} Accepted keys: {schema.AcceptedKeys()}.", path + "." + key);
        }

        private static SettingsConversionException WrongType(RequestField field, object value, string keyPath)
        {
            var shown = value is string s ? $"the string '{s}'" : $"{value} ({value.GetType().Name})";
            return new SettingsConversionException($"'{keyPath}' must be {field.Describe()}; got {shown}.", keyPath);
        }

        private static int EditDistance(string a, string b)
        {
            var row = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var previous = row[0];
                row[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var current = row[j];
                    row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                    previous = current;
                }
            }
            return row[b.Length];
        }
    }
}
