using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using Baseten.Core.Json;
using Baseten.Core.Models;

namespace Baseten.Core.Tests.Fuzz
{
    /// <summary>A host wrapper, as PowerShell wraps values in PSObject; <see cref="Unwrap"/> takes one layer off.</summary>
    public sealed class Wrapped
    {
        public Wrapped(object value)
        {
            Value = value;
        }

        public object Value { get; }

        public static object Unwrap(object value) => value is Wrapped wrapped ? wrapped.Value : value;

        public override string ToString() => "Wrapped(" + Value + ")";
    }

    /// <summary>
    /// Random settings dictionaries for a request type, from one seed: keys in every spelling the converter accepts
    /// and many it must refuse, values of every CLR type a script can produce, nesting, deep nesting and cycles.
    /// </summary>
    public sealed class RandomSettings
    {
        private static readonly Type[] ApiEnumTypes =
        {
            typeof(PromotionCleanupStrategyV1), typeof(RequestBackpressurePolicyV1), typeof(RollingDeployStrategyV1),
            typeof(DeploymentStatusV1), typeof(InProgressPromotionStatusV1),
        };

        private static readonly Type[] RequestTypes =
        {
            typeof(CreateEnvironmentRequestV1), typeof(UpdateAutoscalingSettingsV1), typeof(UpdatePromotionSettingsV1),
            typeof(UpdateRequestBackpressureSettingsV1), typeof(UpdateRollingDeployConfigV1),
        };

        private readonly Random _random;

        public RandomSettings(int seed)
        {
            _random = new Random(seed);
        }

        public Random Random => _random;

        /// <summary>When true, some keys and values are wrapped in <see cref="Wrapped"/> (the caller then unwraps).</summary>
        public bool Wrap { get; set; }

        private bool Chance(int percent) => _random.Next(100) < percent;

        private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

        /// <summary>The input for a conversion to <paramref name="type"/>: usually a dictionary, sometimes anything at all.</summary>
        public object Input(Type type)
        {
            var roll = _random.Next(100);
            if (roll < 80) return MaybeWrap(Settings(type, 0));
            if (roll < 88) return ReportedObject();
            if (roll < 92) return null;
            return AnyValue(2);
        }

        /// <summary>A dictionary of mostly plausible entries for <paramref name="type"/>.</summary>
        public IDictionary Settings(Type type, int depth)
        {
            var schema = RequestSchema.For(type);
            var entries = new List<KeyValuePair<object, object>>();
            var count = _random.Next(0, Math.Max(2, schema.Fields.Count + 2));
            for (var i = 0; i < count; i++)
            {
                var field = Pick(schema.Fields);
                var key = Chance(75) ? Spelling(field) : BadKey(field);
                var value = Chance(65) ? PlausibleValue(field, depth) : AnyValue(depth + 1);
                entries.Add(new KeyValuePair<object, object>(MaybeWrap(key), MaybeWrap(value)));
            }
            return Container(entries);
        }

        private object MaybeWrap(object value) => Wrap && value != null && Chance(15) ? new Wrapped(value) : value;

        /// <summary>Any of the dictionary types a script or a caller might hand over.</summary>
        private IDictionary Container(List<KeyValuePair<object, object>> entries)
        {
            switch (_random.Next(8))
            {
                case 0: return Fill(new Hashtable(), entries);
                case 1: return Fill(new Hashtable(StringComparer.OrdinalIgnoreCase), entries);
                case 2: return Fill(new OrderedDictionary(), entries);
                case 3: return Fill(new ConcurrentDictionary<object, object>(), entries);
                case 4:
                    var byString = new Dictionary<string, object>();
                    foreach (var entry in entries) byString[KeyText(entry.Key)] = entry.Value;
                    return byString;
                case 5:
                    var sorted = new SortedDictionary<string, object>(StringComparer.Ordinal);
                    foreach (var entry in entries) sorted[KeyText(entry.Key)] = entry.Value;
                    return sorted;
                case 6:
                    var inner = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
                    foreach (var entry in entries) inner[KeyText(entry.Key)] = entry.Value;
                    return new ReadOnlyDictionary<string, object>(inner);
                default: return Fill(new Dictionary<object, object>(), entries);
            }
        }

        private static string KeyText(object key) => key?.ToString() ?? string.Empty;

        private static IDictionary Fill(IDictionary dictionary, List<KeyValuePair<object, object>> entries)
        {
            foreach (var entry in entries)
            {
                if (entry.Key == null) continue;
                try
                {
                    dictionary[entry.Key] = entry.Value;
                }
                catch (ArgumentException)
                {
                    // A case-insensitive Hashtable meeting an odd key: skip it, as a script could not build it either.
                }
            }
            return dictionary;
        }

        /// <summary>A spelling the converter must accept: snake_case, PascalCase, any letter case, underscores anywhere.</summary>
        private string Spelling(RequestField field)
        {
            var name = Chance(50) ? field.JsonName : field.Property.Name;
            switch (_random.Next(7))
            {
                case 0: return name;
                case 1: return name.ToUpperInvariant();
                case 2: return name.ToLowerInvariant();
                case 3: return name.Replace("_", string.Empty);
                case 4: return "_" + name.Replace("_", "__") + "_";
                case 5: return RandomCase(name);
                default: return char.ToLowerInvariant(field.Property.Name[0]) + field.Property.Name.Substring(1);
            }
        }

        private string RandomCase(string text)
        {
            var chars = text.ToCharArray();
            for (var i = 0; i < chars.Length; i++) chars[i] = Chance(50) ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            return new string(chars);
        }

        /// <summary>A key the converter must refuse (or, rarely, one that happens to be right).</summary>
        private object BadKey(RequestField field)
        {
            var name = field.JsonName;
            switch (_random.Next(14))
            {
                case 0: return name.Remove(_random.Next(name.Length), 1);
                case 1: return name.Insert(_random.Next(name.Length + 1), ((char)_random.Next('a', 'z' + 1)).ToString());
                case 2:
                    var chars = name.ToCharArray();
                    chars[_random.Next(chars.Length)] = (char)_random.Next('a', 'z' + 1);
                    return new string(chars);
                case 3: return string.Empty;
                case 4: return " " + name;
                case 5: return name + "\t";
                case 6: return name.Replace('i', 'í');
                case 7: return name.Replace('e', 'е'); // Cyrillic e
                case 8: return "🚀" + name;
                case 9: return RandomText(0, 40);
                case 10: return _random.Next(-5, 5);
                case 11: return RandomGuid();
                case 12: return name + "\0";
                default: return new NullText();
            }
        }

        /// <summary>A key whose ToString is null.</summary>
        private sealed class NullText
        {
            public override string ToString() => null;
        }

        /// <summary>A value of the right kind for the field, often in range, sometimes just outside.</summary>
        private object PlausibleValue(RequestField field, int depth)
        {
            if (Chance(10)) return null;
            switch (field.Kind)
            {
                case FieldKind.Integer:
                    var low = Math.Max(field.Minimum, -1000L);
                    var high = Math.Min(field.Maximum, 100_000L);
                    long number = _random.Next(4) == 0 ? (Chance(50) ? low - 1 : high + 1) : low + (long)(_random.NextDouble() * (high - low));
                    switch (_random.Next(6))
                    {
                        case 0: return (long)number;
                        case 1: return (double)number;
                        case 2: return (decimal)number;
                        case 3: return number >= 0 && number <= byte.MaxValue ? (object)(byte)number : number;
                        default: return number >= int.MinValue && number <= int.MaxValue ? (object)(int)number : number;
                    }
                case FieldKind.Boolean:
                    return Chance(50);
                case FieldKind.Enum:
                    var known = field.EnumValues;
                    switch (_random.Next(4))
                    {
                        case 0: return Activator.CreateInstance(Nullable.GetUnderlyingType(field.Property.PropertyType) ?? field.Property.PropertyType, Pick(known));
                        case 1: return RandomCase(Pick(known));
                        default: return Pick(known);
                    }
                case FieldKind.Object:
                    if (depth > 6) return null;
                    return Chance(85) ? Settings(field.Property.PropertyType, depth + 1) : (object)ReportedObject();
                default:
                    return RandomText(0, 30);
            }
        }

        /// <summary>Anything a script could put in a hashtable.</summary>
        public object AnyValue(int depth)
        {
            switch (_random.Next(depth > 8 ? 30 : 38))
            {
                case 0: return null;
                case 1: return Chance(50);
                case 2: return _random.Next(int.MinValue, int.MaxValue);
                case 3: return Pick(new object[] { int.MaxValue, int.MinValue, 0, -1, 1, 50, 51 });
                case 4: return Pick(new object[] { int.MaxValue + 1L, int.MinValue - 1L, long.MaxValue, long.MinValue, (long)_random.Next() * _random.Next() });
                case 5: return Pick(new object[] { uint.MaxValue, ulong.MaxValue, (ushort)7, (short)-7, (sbyte)-1, (byte)200 });
                case 6: return Pick(new object[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e300, double.Epsilon, -0.0, double.MaxValue });
                case 7: return Pick(new object[] { 2.0, 2.5, 1e19, 1e20, -1e19, 99.0, 0.1, 4.9999999999999999, 2147483647.0, 2147483648.0 });
                case 8: return (_random.NextDouble() - 0.5) * Math.Pow(10, _random.Next(-10, 30));
                case 9: return Pick(new object[] { float.NaN, 3.0f, float.MaxValue, -0.5f, 1e19f, float.PositiveInfinity });
                case 10: return Pick(new object[] { decimal.MaxValue, decimal.MinValue, 2.0m, 2.5m, 1e-28m, -0m, 2147483648m });
                case 11: return RandomText(0, 20);
                case 12: return Pick(new object[] { "", " ", "true", "false", "42", "1e3", "null", "$null", "QUEUE_ON_FULL", "keep", "Replica", "SCALE TO ZERO" });
                case 13: return new string('x', 10_000);
                case 14: return (char)_random.Next(0, 0xD7FF);
                case 15: return new DateTime(2026, 8, 1, 10, 0, 0, DateTimeKind.Utc).AddSeconds(_random.Next());
                case 16: return DateTimeOffset.FromUnixTimeSeconds(_random.Next());
                case 17: return TimeSpan.FromSeconds(_random.Next(0, 1000));
                case 18: return RandomGuid();
                case 19: return BigInteger.Pow(10, _random.Next(1, 60));
                case 20: return Pick(new object[] { DayOfWeek.Monday, FieldKind.Integer, StringComparison.Ordinal, (DayOfWeek)99 });
                case 21: return Activator.CreateInstance(Pick(ApiEnumTypes), Chance(50) ? "KEEP" : RandomText(1, 10));
                case 22: return Activator.CreateInstance(Pick(RequestTypes));
                case 23: return ReportedObject();
                case 24: return new object();
                case 25: return new Uri("https://example.test/" + _random.Next());
                case 26: return typeof(string);
                case 27: return new byte[] { 1, 2, 3 };
                case 28: return new Wrapped(AnyValue(depth + 1));
                case 29: return Pick(new object[] { new int[] { 1, 2 }, new string[0], new List<int> { 3 } });
                // Recursive values only while shallow.
                case 30: return Enumerable.Range(0, _random.Next(0, 4)).Select(_ => AnyValue(depth + 1)).ToArray();
                case 31: return Enumerable.Range(0, _random.Next(0, 4)).Select(_ => AnyValue(depth + 1)).ToList();
                case 32: return Settings(Pick(RequestTypes), depth + 1);
                case 33: return Deep(_random.Next(1, 51));
                case 34: return Cycle();
                case 35:
                    var mixed = new Hashtable();
                    for (var i = _random.Next(0, 4); i > 0; i--) mixed[RandomText(0, 8)] = AnyValue(depth + 1);
                    return mixed;
                case 36: return new Dictionary<int, object> { [1] = AnyValue(depth + 1) };
                default: return Chance(50) ? (object)new ArrayList { AnyValue(depth + 1), null } : new Hashtable { ["min_replica"] = AnyValue(depth + 1) };
            }
        }

        /// <summary>Dictionaries nested <paramref name="levels"/> deep, each under a key that exists somewhere in the schema.</summary>
        public IDictionary Deep(int levels)
        {
            var names = RequestTypes.SelectMany(t => RequestSchema.For(t).Fields.Select(f => f.JsonName)).ToArray();
            IDictionary current = new Hashtable { [Pick(names)] = AnyScalar() };
            for (var i = 1; i < levels; i++) current = new Hashtable { [Pick(names)] = current };
            return current;
        }

        /// <summary>A dictionary that contains itself under every object key of the schema (and a few others).</summary>
        public IDictionary Cycle()
        {
            var self = Chance(50) ? (IDictionary)new Hashtable() : new Dictionary<object, object>();
            foreach (var type in RequestTypes)
            {
                foreach (var field in RequestSchema.For(type).Fields)
                {
                    if (field.Kind == FieldKind.Object || Chance(20)) self[field.JsonName] = self;
                }
            }
            if (Chance(50)) self["list"] = new object[] { self };
            return self;
        }

        private Guid RandomGuid()
        {
            var bytes = new byte[16];
            _random.NextBytes(bytes);
            return new Guid(bytes);
        }

        private object AnyScalar() => Pick(new object[] { 1, "x", null, true, 2.5, long.MaxValue });

        /// <summary>Settings as the API reports them (an <see cref="ApiObject"/>), which the converter accepts too.</summary>
        public ApiObject ReportedObject()
        {
            switch (_random.Next(6))
            {
                case 0:
                    return new AutoscalingSettingsV1
                    {
                        MinReplica = SmallInt(), MaxReplica = SmallInt(), ConcurrencyTarget = SmallInt(),
                        AutoscalingWindow = Chance(50) ? SmallInt() : (int?)null, MaxScaleDownRate = Chance(50) ? SmallInt() : (int?)null,
                    };
                case 1:
                    return new PromotionSettingsV1
                    {
                        RedeployOnPromotion = Chance(50), RampUpDurationSeconds = SmallInt(),
                        PromotionCleanupStrategy = Chance(50) ? new PromotionCleanupStrategyV1(Chance(50) ? "KEEP" : "SOMETHING_NEW") : null,
                        RollingDeployConfig = Chance(50) ? RollingDeploy() : null,
                    };
                case 2: return RollingDeploy();
                case 3: return new RequestBackpressureSettingsV1 { Policy = Chance(50) ? new RequestBackpressurePolicyV1("REJECT_ON_FULL") : null };
                case 4: return new EnvironmentV1 { Name = "staging", CreatedAt = DateTimeOffset.UnixEpoch };
                default: return new InstanceTypeV1 { Id = "H100", GpuCount = 1 };
            }
        }

        private RollingDeployConfigV1 RollingDeploy() => new RollingDeployConfigV1
        {
            RollingDeployStrategy = new RollingDeployStrategyV1("REPLICA"),
            MaxSurgePercent = SmallInt(),
            MaxUnavailablePercent = SmallInt(),
        };

        private int SmallInt() => _random.Next(4) == 0 ? _random.Next(int.MinValue, int.MaxValue) : _random.Next(-2, 120);

        /// <summary>Text from ASCII, Latin, CJK, emoji (as surrogate pairs) and control characters; always valid UTF-16.</summary>
        public string RandomText(int minLength, int maxLength)
        {
            var length = _random.Next(minLength, maxLength + 1);
            var text = new StringBuilder();
            while (text.Length < length)
            {
                switch (_random.Next(6))
                {
                    case 0: text.Append((char)_random.Next(0x20, 0x7F)); break;
                    case 1: text.Append((char)_random.Next(0xA0, 0x250)); break;
                    case 2: text.Append((char)_random.Next(0x4E00, 0x9FFF)); break;
                    case 3: text.Append(char.ConvertFromUtf32(_random.Next(0x1F300, 0x1FAFF))); break;
                    case 4: text.Append((char)_random.Next(0, 0x20)); break;
                    default: text.Append(Pick(new[] { "\"", "\\", "_", "'", "<", ">", "&", "\u2028", "\uFEFF" })); break;
                }
            }
            return text.ToString();
        }

        /// <summary>A short, cycle-safe description of a value for failure messages.</summary>
        public static string Describe(object value, int depth = 0, HashSet<object> seen = null)
        {
            seen = seen ?? new HashSet<object>(ReferenceEqualityComparer.Instance);
            if (value == null) return "null";
            if (depth > 4) return "…";
            if (value is string s) return "\"" + (s.Length > 40 ? s.Substring(0, 40) + "…" : s) + "\"";
            if (value is IDictionary dictionary)
            {
                if (!seen.Add(value)) return "<cycle>";
                var parts = new List<string>();
                foreach (DictionaryEntry entry in dictionary)
                {
                    parts.Add(Describe(entry.Key, depth + 1, seen) + "=" + Describe(entry.Value, depth + 1, seen));
                    if (parts.Count > 8) { parts.Add("…"); break; }
                }
                return value.GetType().Name + "{" + string.Join(", ", parts) + "}";
            }
            if (value is IEnumerable items && !(value is string))
            {
                if (!seen.Add(value)) return "<cycle>";
                return value.GetType().Name + "[" + string.Join(", ", items.Cast<object>().Take(5).Select(i => Describe(i, depth + 1, seen))) + "]";
            }
            return Convert.ToString(value, CultureInfo.InvariantCulture) + " (" + value.GetType().Name + ")";
        }
    }
}
