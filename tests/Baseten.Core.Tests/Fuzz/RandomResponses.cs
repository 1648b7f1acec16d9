using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Baseten.Core.Models;

namespace Baseten.Core.Tests.Fuzz
{
    /// <summary>
    /// Random API answers from one seed. Valid ones are built from the response models' own [JsonPropertyName]s,
    /// with values of the right JSON type (known enum values in any case, unknown ones, nulls where allowed,
    /// absent fields) and extra fields the models do not know. Mutations then break them in every way.
    /// </summary>
    public sealed class RandomResponses
    {
        /// <summary>Extra fields carry this prefix, so they can never collide (case-insensitively) with a model's own.</summary>
        public const string ExtraPrefix = "x_";

        private static readonly JsonSerializerOptions Writer = new JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private readonly Random _random;

        public RandomResponses(int seed)
        {
            _random = new Random(seed);
        }

        public Random Random => _random;

        private bool Chance(int percent) => _random.Next(100) < percent;

        private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

        public static string Serialize(JsonNode node) => node == null ? "null" : node.ToJsonString(Writer);

        // ---- valid documents --------------------------------------------------------------------------------------

        /// <summary>
        /// The fields the reader insists on (ApiObject.MissingRequiredFields): always present, never null or empty.
        /// </summary>
        private static readonly Dictionary<Type, string[]> Required = new Dictionary<Type, string[]>
        {
            [typeof(EnvironmentV1)] = new[] { "name", "model_id", "created_at" },
            [typeof(DeploymentV1)] = new[] { "id", "model_id" },
            [typeof(EnvironmentsV1)] = new[] { "environments" },
        };

        public static bool IsRequired(Type type, string name) => Required.TryGetValue(type, out var names) && names.Contains(name);

        /// <summary>A schema-valid JSON object for the response model <paramref name="type"/>.</summary>
        public JsonObject Valid(Type type, int depth = 0)
        {
            var result = new JsonObject();
            var properties = Properties(type).ToList();
            foreach (var property in properties.OrderBy(_ => _random.Next()))
            {
                var required = IsRequired(type, property.Name);
                // Any other field may be absent (the model then keeps its default), as the API leaves out what it has not set.
                if (!required && Chance(8)) continue;
                result[property.Name] = required && property.Property.PropertyType == typeof(string)
                    ? JsonValue.Create(RandomText(1, 24))
                    : ValidValue(property.Property.PropertyType, depth, required);
            }
            for (var extras = _random.Next(0, 3); extras > 0; extras--)
            {
                result[ExtraPrefix + RandomName()] = AnyJson(depth + 1, valid: true);
            }
            return result;
        }

        /// <summary>The JSON name and CLR property of every field of a model.</summary>
        public static IEnumerable<(string Name, PropertyInfo Property)> Properties(Type type) =>
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, Property: p))
                .Where(p => p.Name != null);

        private JsonNode ValidValue(Type type, int depth, bool required = false)
        {
            var underlying = Nullable.GetUnderlyingType(type);
            var nullable = !required && (underlying != null || !type.IsValueType);
            if (nullable && Chance(15)) return null;
            type = underlying ?? type;

            if (type == typeof(string)) return JsonValue.Create(RandomText(0, 24));
            if (type == typeof(int)) return JsonValue.Create(RandomInt());
            if (type == typeof(bool)) return JsonValue.Create(Chance(50));
            if (type == typeof(DateTimeOffset)) return JsonValue.Create(RandomDate());
            if (typeof(ApiStringEnum).IsAssignableFrom(type)) return JsonValue.Create(EnumText(type));
            if (typeof(ApiObject).IsAssignableFrom(type)) return depth > 3 && !required ? null : Valid(type, depth + 1);
            if (type == typeof(List<EnvironmentV1>))
            {
                var list = new JsonArray();
                for (var i = _random.Next(0, depth > 0 ? 2 : 5); i > 0; i--) list.Add(Valid(typeof(EnvironmentV1), depth + 1));
                return list;
            }
            if (type == typeof(Dictionary<string, JsonElement>))
            {
                var labels = new JsonObject();
                for (var i = _random.Next(0, 4); i > 0; i--) labels[RandomName()] = AnyJson(depth + 1, valid: true);
                return labels;
            }
            if (type == typeof(JsonElement)) return AnyJson(depth + 1, valid: true);
            throw new NotSupportedException("No generator for " + type.Name + ": the fuzz test needs updating for a new model field.");
        }

        private int RandomInt()
        {
            switch (_random.Next(5))
            {
                case 0: return Pick(new[] { 0, 1, -1, int.MaxValue, int.MinValue, 123 });
                case 1: return _random.Next(int.MinValue, int.MaxValue);
                default: return _random.Next(0, 1000);
            }
        }

        /// <summary>An ISO 8601 date in the forms the API and System.Text.Json use: Z or an offset, 0 to 7 decimals.</summary>
        private string RandomDate()
        {
            var when = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(_random.Next(0, 1_000_000_000)).AddTicks(_random.Next(0, 10_000_000));
            var decimals = _random.Next(0, 8);
            var fraction = decimals == 0 ? string.Empty : "." + new string('f', decimals);
            if (Chance(50)) return when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss" + fraction, CultureInfo.InvariantCulture) + "Z";
            var offset = TimeSpan.FromMinutes(_random.Next(-14 * 4, 14 * 4 + 1) * 15);
            return when.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:ss" + fraction + "zzz", CultureInfo.InvariantCulture);
        }

        /// <summary>A known value in any letter case, or a value newer than the module.</summary>
        private string EnumText(Type enumType)
        {
            var known = (IReadOnlyList<string>)enumType.GetField("Known", BindingFlags.Public | BindingFlags.Static).GetValue(null);
            switch (_random.Next(5))
            {
                case 0: return Pick(known).ToLowerInvariant();
                case 1: return "NEW_" + RandomName().ToUpperInvariant();
                case 2: return RandomText(0, 10);
                default: return Pick(known);
            }
        }

        /// <summary>Any JSON value; <paramref name="valid"/> keeps numbers within what a decimal holds.</summary>
        public JsonNode AnyJson(int depth, bool valid)
        {
            switch (_random.Next(depth > 4 ? 6 : 8))
            {
                case 0: return null;
                case 1: return JsonValue.Create(Chance(50));
                case 2: return JsonValue.Create(_random.Next(int.MinValue, int.MaxValue));
                case 3: return JsonValue.Create((_random.NextDouble() - 0.5) * Math.Pow(10, _random.Next(-20, valid ? 20 : 300)));
                case 4: return JsonValue.Create(RandomText(0, 30));
                case 5: return JsonValue.Create((long)_random.Next() * _random.Next());
                case 6:
                    var array = new JsonArray();
                    for (var i = _random.Next(0, 4); i > 0; i--) array.Add(AnyJson(depth + 1, valid));
                    return array;
                default:
                    var obj = new JsonObject();
                    for (var i = _random.Next(0, 4); i > 0; i--) obj[RandomName()] = AnyJson(depth + 1, valid);
                    return obj;
            }
        }

        private string RandomName()
        {
            var length = _random.Next(1, 12);
            var name = new StringBuilder();
            for (var i = 0; i < length; i++) name.Append("abcdefghijklmnopqrstuvwxyz_0123456789"[_random.Next(37)]);
            return name.ToString();
        }

        /// <summary>Text from ASCII, Latin, CJK, emoji (surrogate pairs) and control characters; always valid UTF-16.</summary>
        public string RandomText(int minLength, int maxLength)
        {
            var length = _random.Next(minLength, maxLength + 1);
            var text = new StringBuilder();
            while (text.Length < length)
            {
                switch (_random.Next(7))
                {
                    case 0: text.Append((char)_random.Next(0xA0, 0x250)); break;
                    case 1: text.Append((char)_random.Next(0x4E00, 0x9FFF)); break;
                    case 2: text.Append(char.ConvertFromUtf32(_random.Next(0x1F300, 0x1FAFF))); break;
                    case 3: text.Append((char)_random.Next(0, 0x20)); break;
                    case 4: text.Append(Pick(new[] { "\"", "\\", "/", "<", ">", "&", "'", "\u2028", "\uFEFF", "\u00A0" })); break;
                    default: text.Append((char)_random.Next(0x20, 0x7F)); break;
                }
            }
            return text.ToString();
        }

        // ---- broken documents ----------------------------------------------------------------------------------------

        /// <summary>A valid document of <paramref name="type"/> with one field, somewhere, given a value of another JSON type.</summary>
        public JsonObject WrongType(Type type)
        {
            var document = Valid(type);
            var objects = Objects(document).ToList();
            var target = Pick(objects);
            var keys = target.Select(p => p.Key).ToList();
            if (keys.Count == 0)
            {
                target["name"] = JsonValue.Create(42);
                return document;
            }
            var key = Pick(keys);
            var before = target[key]?.GetValueKind() ?? JsonValueKind.Null;
            JsonNode replacement;
            do
            {
                replacement = AnyJson(2, valid: false);
            }
            while ((replacement?.GetValueKind() ?? JsonValueKind.Null) == before && _random.Next(10) > 0);
            target[key] = replacement;
            return document;
        }

        private static IEnumerable<JsonObject> Objects(JsonNode node)
        {
            switch (node)
            {
                case JsonObject obj:
                    yield return obj;
                    foreach (var property in obj.ToList())
                        foreach (var inner in Objects(property.Value)) yield return inner;
                    break;
                case JsonArray array:
                    foreach (var item in array.ToList())
                        foreach (var inner in Objects(item)) yield return inner;
                    break;
            }
        }

        private static readonly string[] BadNumbers =
        {
            "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "2147483648", "-2147483649",
            "1.5", "-0", "1E+2", "0.0", "1e-400", "123456789012345678901234567890", "9223372036854775808",
            // Not JSON at all.
            "0x10", "NaN", "Infinity", "-Infinity", "01", "+1", ".5", "1.", "1e", "--1", "1_000",
        };

        /// <summary>A valid document with some integer tokens replaced by numbers that overflow, are fractional, or are not JSON.</summary>
        public string BadNumber(Type type)
        {
            var text = Serialize(Valid(type));
            var builder = new StringBuilder();
            var replaced = 0;
            for (var i = 0; i < text.Length; i++)
            {
                // An integer token: digits after ':' or '[' or ',' (not inside a string: strings here never start with ": 1").
                if (char.IsDigit(text[i]) && i > 0 && (text[i - 1] == ':' || text[i - 1] == '-' && i > 1 && text[i - 2] == ':'))
                {
                    var end = i;
                    while (end < text.Length && (char.IsDigit(text[end]) || text[end] == '.' || text[end] == 'e' || text[end] == 'E' || text[end] == '+' || text[end] == '-')) end++;
                    if (Chance(40))
                    {
                        if (text[i - 1] == '-') builder.Length--;
                        builder.Append(Pick(BadNumbers));
                        replaced++;
                        i = end - 1;
                        continue;
                    }
                }
                builder.Append(text[i]);
            }
            return replaced == 0 ? text.Replace("\"name\":", "\"name\":1e400,\"x_n\":") : builder.ToString();
        }

        /// <summary>A valid document with a value nested <paramref name="levels"/> arrays or objects deep.</summary>
        public string DeepNesting(Type type, int levels)
        {
            var document = Valid(type);
            var inner = new StringBuilder();
            var objects = Chance(50);
            for (var i = 0; i < levels; i++) inner.Append(objects ? "{\"a\":" : "[");
            inner.Append("1");
            for (var i = 0; i < levels; i++) inner.Append(objects ? "}" : "]");
            var key = Chance(50) && type == typeof(EnvironmentV1) ? "autoscaling_schedules" : ExtraPrefix + "deep";
            document.Remove(key);
            var text = Serialize(document);
            return "{\"" + key + "\":" + inner + (text.Length > 2 ? "," + text.Substring(1) : "}");
        }

        /// <summary>Random bytes: noise, printable noise, or a soup of JSON tokens.</summary>
        public byte[] Noise()
        {
            var length = _random.Next(0, 300);
            switch (_random.Next(4))
            {
                case 0:
                    var bytes = new byte[length];
                    _random.NextBytes(bytes);
                    return bytes;
                case 1:
                    return Encoding.UTF8.GetBytes(new string(Enumerable.Range(0, length).Select(_ => (char)_random.Next(0x20, 0x7F)).ToArray()));
                default:
                    var tokens = new[] { "{", "}", "[", "]", ",", ":", "\"name\"", "\"created_at\"", "\"2026-08-01T10:00:00Z\"", "1", "-1", "1e400", "true", "null", "\"x\"", " ", "\"environments\"", "\"", "\\" };
                    var soup = new StringBuilder();
                    for (var i = _random.Next(0, 60); i > 0; i--) soup.Append(Pick(tokens));
                    return Encoding.UTF8.GetBytes(soup.ToString());
            }
        }

        /// <summary>A valid document with a few bytes overwritten, inserted or deleted.</summary>
        public byte[] Flipped(Type type)
        {
            var bytes = new List<byte>(Encoding.UTF8.GetBytes(Serialize(Valid(type))));
            for (var changes = _random.Next(1, 6); changes > 0 && bytes.Count > 0; changes--)
            {
                var at = _random.Next(bytes.Count);
                switch (_random.Next(3))
                {
                    case 0: bytes[at] = (byte)_random.Next(256); break;
                    case 1: bytes.Insert(at, (byte)_random.Next(256)); break;
                    default: bytes.RemoveAt(at); break;
                }
            }
            return bytes.ToArray();
        }

        /// <summary>Framing damage around a valid document: a BOM, trailing garbage, two documents, duplicate keys, bad UTF-8.</summary>
        public byte[] Framed(Type type)
        {
            var text = Serialize(Valid(type));
            switch (_random.Next(8))
            {
                case 0: return new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(text)).ToArray();
                case 1: return Encoding.UTF8.GetBytes(text + "}}");
                case 2: return Encoding.UTF8.GetBytes(text + text);
                case 3: return Encoding.UTF8.GetBytes(" \r\n\t" + text + " \r\n\t");
                case 4: return Encoding.UTF8.GetBytes(text.Length > 2 ? "{\"name\":\"a\",\"name\":\"b\",\"NAME\":\"c\"," + text.Substring(1) : text);
                case 5: return Encoding.UTF8.GetBytes("[" + text + "]");
                case 6:
                    var bytes = Encoding.UTF8.GetBytes(text).ToList();
                    var quote = bytes.IndexOf((byte)'"');
                    bytes.InsertRange(quote + 1, new byte[] { 0xC3, 0x28, 0xFF, 0xED, 0xA0, 0x80 });
                    return bytes.ToArray();
                default: return Encoding.UTF8.GetBytes("\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
            }
        }
    }
}
