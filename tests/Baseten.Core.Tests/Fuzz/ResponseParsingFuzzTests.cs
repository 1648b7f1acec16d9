using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Baseten.Core.Tests.Fuzz
{
    /// <summary>
    /// Random 200 answers through <see cref="BasetenHttpClient"/>: each call either returns the model or throws a
    /// <see cref="BasetenResponseException"/>; never another exception, never a hang (every call has a deadline).
    /// Valid answers round-trip every known field. Deterministic seeds; a failure names its seed, case and body.
    /// <para>
    /// Bodies holding a JSON string escape of a lone UTF-16 surrogate (<c>"\ud800"</c>) once made the core throw
    /// InvalidOperationException; they are generated like any other body and must now pass too.
    /// </para>
    /// </summary>
    public class ResponseParsingFuzzTests
    {
        private const string Key = "fuzz1234.ResponseParsingSecret5678";
        private const int CasesPerSeed = 500;
        private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

        private static readonly Type[] ModelTypes = { typeof(EnvironmentV1), typeof(DeploymentV1), typeof(EnvironmentsV1) };

        private readonly ITestOutputHelper _output;

        public ResponseParsingFuzzTests(ITestOutputHelper output)
        {
            _output = output;
        }

        public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 20).Select(seed => new object[] { seed });

        /// <summary>What happened to one body.</summary>
        private enum Outcome
        {
            Parsed,
            Refused,
        }

        private sealed class Harness : IDisposable
        {
            private readonly BasetenHttpClient _client;
            private byte[] _body = Array.Empty<byte>();

            public Harness()
            {
                var handler = new StubHandler((request, token) =>
                {
                    var content = new ByteArrayContent(_body);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
                });
                _client = new BasetenHttpClient("xunit-fuzz", handler);
            }

            public BasetenConnection Connection { get; } =
                new BasetenConnection(new Uri("https://api.example.test"), Key, TimeSpan.FromSeconds(5), RetryPolicy.None, null);

            public async Task<object> SendAsync(Type type, byte[] body, IHttpLog log)
            {
                _body = body;
                var method = typeof(BasetenHttpClient).GetMethods()
                    .Single(m => m.Name == nameof(BasetenHttpClient.SendAsync) && m.GetParameters().Length == 6)
                    .MakeGenericMethod(type);
                var task = (Task)method.Invoke(_client, new object[] { Connection, HttpMethod.Get, "v1/models/m1/environments", null, log, CancellationToken.None });
                await task.WaitAsync(CallDeadline).ConfigureAwait(false);
                return task.GetType().GetProperty("Result").GetValue(task);
            }

            public void Dispose() => _client.Dispose();
        }

        /// <summary>Sends one body; fails the test unless it parses or is refused with a BasetenResponseException.</summary>
        private static async Task<(Outcome Outcome, object Model)> Check(Harness harness, Type type, byte[] body, string where, bool debug = false)
        {
            try
            {
                var model = await harness.SendAsync(type, body, debug ? new ListLog(debug: true) : null);
                Assert.NotNull(model);
                Assert.IsType(type, model);
                return (Outcome.Parsed, model);
            }
            catch (BasetenResponseException refused)
            {
                Assert.Equal(200, refused.StatusCode);
                Assert.StartsWith("The Baseten API answered 200 to GET /v1/models/m1/environments, but ", refused.Message);
                Assert.DoesNotContain("ResponseParsingSecret5678", refused.Message);
                return (Outcome.Refused, null);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{where}: no answer within {CallDeadline.TotalSeconds} s for {Show(body)}");
                throw;
            }
            catch (Exception other)
            {
                Assert.Fail($"{where}: {type.Name} from {Show(body)}\nthrew {other.GetType().FullName}: {other}");
                throw;
            }
        }

        private static string Show(byte[] body)
        {
            var text = Encoding.UTF8.GetString(body);
            return text.Length > 600 ? text.Substring(0, 600) + "… (" + body.Length + " bytes)" : text;
        }

        private static void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        Walk(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray()) Walk(item);
                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
            }
        }

        private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

        // ---- valid answers ----------------------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(Seeds))]
        public async Task RandomValidAnswersParseAndRoundTripEveryKnownField(int seed)
        {
            var random = new RandomResponses(seed);
            using var harness = new Harness();
            for (var i = 0; i < CasesPerSeed / 5; i++)
            {
                var type = ModelTypes[i % ModelTypes.Length];
                var document = random.Valid(type);
                var text = RandomResponses.Serialize(document);
                var (outcome, model) = await Check(harness, type, Bytes(text), $"seed {seed}, case {i}", debug: i % 7 == 0);

                Assert.True(outcome == Outcome.Parsed, $"seed {seed}, case {i}: a valid {type.Name} was refused: {text}");
                var difference = RoundTrip.Compare(type, model, document, "$");
                Assert.True(difference == null, $"seed {seed}, case {i}: {difference}\nbody: {text}");
            }
        }

        [Fact]
        public async Task TheDocumentedExamplesRoundTrip()
        {
            using var harness = new Harness();
            foreach (var sample in new[] { DocumentedExamples.CreateResponse, DocumentedExamples.NewerResponse })
            {
                var (outcome, model) = await Check(harness, typeof(EnvironmentV1), Bytes(sample), "sample");
                Assert.Equal(Outcome.Parsed, outcome);
                Assert.Null(RoundTrip.Compare(typeof(EnvironmentV1), model, JsonNode.Parse(sample), "$"));
            }
        }

        // ---- broken answers -------------------------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(Seeds))]
        public async Task RandomBrokenAnswersParseOrAreRefusedClearly(int seed)
        {
            var random = new RandomResponses(10_000 + seed);
            var counts = new Dictionary<string, int>();
            using var harness = new Harness();
            for (var i = 0; i < CasesPerSeed; i++)
            {
                var type = ModelTypes[random.Random.Next(ModelTypes.Length)];
                string mutation;
                byte[] body;
                switch (random.Random.Next(7))
                {
                    case 0: mutation = "wrong type"; body = Bytes(RandomResponses.Serialize(random.WrongType(type))); break;
                    case 1: mutation = "bad number"; body = Bytes(random.BadNumber(type)); break;
                    case 2: mutation = "deep"; body = Bytes(random.DeepNesting(type, random.Random.Next(1, 200))); break;
                    case 3: mutation = "noise"; body = random.Noise(); break;
                    case 4: mutation = "flipped"; body = random.Flipped(type); break;
                    case 5: mutation = "framed"; body = random.Framed(type); break;
                    default:
                        mutation = "truncated";
                        var whole = Bytes(RandomResponses.Serialize(random.Valid(type)));
                        body = whole.Take(random.Random.Next(0, whole.Length)).ToArray();
                        break;
                }

                var (outcome, _) = await Check(harness, type, body, $"seed {seed}, case {i} ({mutation})", debug: i % 5 == 0);
                var key = mutation + " " + outcome.ToString().ToLowerInvariant();
                counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
            }
            _output.WriteLine($"seed {seed}: " + string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}")));
        }

        public static IEnumerable<object[]> Samples()
        {
            yield return new object[] { "EnvironmentV1 (documented create response)", typeof(EnvironmentV1), DocumentedExamples.CreateResponse };
            yield return new object[] { "EnvironmentV1 (newer response)", typeof(EnvironmentV1), DocumentedExamples.NewerResponse };
            yield return new object[] { "EnvironmentsV1", typeof(EnvironmentsV1),
                "{\"environments\": [" + DocumentedExamples.NewerResponse + ", " + DocumentedExamples.CreateResponse + "], \"next_page\": null}" };
            yield return new object[] { "DeploymentV1", typeof(DeploymentV1), RandomResponses.Serialize(new RandomResponses(8).Valid(typeof(DeploymentV1))) };
        }

        [Theory]
        [MemberData(nameof(Samples))]
        public async Task TruncationAtEveryPositionIsRefusedClearly(string name, Type type, string sample)
        {
            var whole = Bytes(sample);
            var refused = 0;
            using var harness = new Harness();
            for (var length = 0; length < whole.Length; length++)
            {
                var (outcome, _) = await Check(harness, type, whole.Take(length).ToArray(), $"{name} cut at {length}");
                // A cut document parses only when what is cut off is trailing whitespace.
                if (outcome == Outcome.Parsed)
                    Assert.True(sample.Substring(length).Trim().Length == 0 || IsWhole(whole, length), $"{name} cut at {length} parsed");
                else
                    refused++;
            }
            _output.WriteLine($"{name}: {whole.Length} cuts, {refused} refused");
            var (full, _) = await Check(harness, type, whole, name + " whole");
            Assert.Equal(Outcome.Parsed, full);
        }

        private static bool IsWhole(byte[] whole, int length)
        {
            try
            {
                using (JsonDocument.Parse(whole.AsMemory(0, length))) return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        [Theory]
        [InlineData("1e400")]
        [InlineData("-1e400")]
        [InlineData("99999999999999999999")]
        [InlineData("-99999999999999999999")]
        [InlineData("2147483648")]
        [InlineData("-2147483649")]
        [InlineData("1.5")]
        [InlineData("1e2")]
        [InlineData("\"5\"")]
        [InlineData("NaN")]
        [InlineData("Infinity")]
        [InlineData("0x10")]
        [InlineData("true")]
        [InlineData("[]")]
        [InlineData("{}")]
        public async Task AnIntegerFieldThatIsNotAnInt32IsRefused(string number)
        {
            using var harness = new Harness();
            var body = DocumentedExamples.NewerResponse.Replace("\"max_replica\": 4", "\"max_replica\": " + number);
            Assert.NotEqual(DocumentedExamples.NewerResponse, body);

            var (outcome, _) = await Check(harness, typeof(EnvironmentV1), Bytes(body), number);

            Assert.Equal(Outcome.Refused, outcome);
        }

        [Theory]
        [InlineData("1e400")]
        [InlineData("99999999999999999999")]
        [InlineData("-0")]
        [InlineData("1e-400")]
        public async Task AnOverflowingNumberWhereAnyJsonGoesIsKept(string number)
        {
            using var harness = new Harness();
            var body = "{\"name\": \"staging\", \"model_id\": \"m1\", \"created_at\": \"2026-08-01T10:00:00Z\", \"autoscaling_schedules\": [" + number + "], \"x_big\": " + number + "}";

            var (outcome, model) = await Check(harness, typeof(EnvironmentV1), Bytes(body), number);

            Assert.Equal(Outcome.Parsed, outcome);
            var environment = (EnvironmentV1)model;
            Assert.Equal("[" + number + "]", environment.AutoscalingSchedules.Value.GetRawText());
            Assert.Equal(number, environment.AdditionalProperties["x_big"].GetRawText());
        }

        [Theory]
        [InlineData(10)]
        [InlineData(60)]
        [InlineData(64)]
        [InlineData(65)]
        [InlineData(1000)]
        [InlineData(100_000)]
        public async Task DeepNestingIsParsedOrRefusedNeverOverflowed(int levels)
        {
            using var harness = new Harness();
            foreach (var open in new[] { "[", "{\"a\":" })
            {
                var close = open == "[" ? "]" : "}";
                var nested = string.Concat(Enumerable.Repeat(open, levels)) + "1" + string.Concat(Enumerable.Repeat(close, levels));
                var body = "{\"name\": \"staging\", \"model_id\": \"m1\", \"created_at\": \"2026-08-01T10:00:00Z\", \"autoscaling_schedules\": " + nested + "}";

                var (outcome, _) = await Check(harness, typeof(EnvironmentV1), Bytes(body), $"{levels} x {open}");

                // System.Text.Json's default depth limit is 64, counting the outer object.
                Assert.Equal(levels < 64 ? Outcome.Parsed : Outcome.Refused, outcome);
            }
        }

        [Fact]
        public async Task UnknownEnumValuesAreKeptAsSent()
        {
            using var harness = new Harness();
            var body = DocumentedExamples.NewerResponse.Replace("\"RAMPING_UP\"", "\"HALF_WAY\"").Replace("\"REPLICA\"", "\"replica\"");

            var (outcome, model) = await Check(harness, typeof(EnvironmentV1), Bytes(body), "enums");

            Assert.Equal(Outcome.Parsed, outcome);
            var environment = (EnvironmentV1)model;
            Assert.Equal("HALF_WAY", environment.InProgressPromotion.Status.Value);
            Assert.False(environment.InProgressPromotion.Status.IsKnown);
            Assert.Equal("REPLICA", environment.PromotionSettings.RollingDeployConfig.RollingDeployStrategy.Value);
            Assert.True(environment.PromotionSettings.RollingDeployConfig.RollingDeployStrategy.IsKnown);
        }
    }

    /// <summary>Compares a parsed model with the JSON it came from, field by field, through the models' [JsonPropertyName]s.</summary>
    internal static class RoundTrip
    {
        /// <summary>The path and nature of the first difference, or null.</summary>
        public static string Compare(Type type, object model, JsonNode node, string path)
        {
            if (node == null) return model == null ? null : $"{path}: expected null, got {model}";
            if (model == null) return $"{path}: expected {node.ToJsonString()}, got null";
            var obj = (JsonObject)node;
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, property) in RandomResponses.Properties(type))
            {
                known.Add(name);
                var value = property.GetValue(model);
                var at = path + "." + name;
                string difference;
                if (!obj.TryGetPropertyValue(name, out var field))
                {
                    var empty = property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) == null
                        ? Activator.CreateInstance(property.PropertyType)
                        : null;
                    difference = Equals(value, empty) ? null : $"{at}: absent, but the model has {value}";
                }
                else
                {
                    difference = CompareValue(property.PropertyType, value, field, at);
                }
                if (difference != null) return difference;
            }

            // Everything else lands in AdditionalProperties, exactly as sent.
            var extras = obj.Where(p => !known.Contains(p.Key)).ToList();
            var additional = ((ApiObject)model).AdditionalProperties ?? new Dictionary<string, JsonElement>();
            if (extras.Count != additional.Count)
                return $"{path}: {extras.Count} unknown fields sent, {additional.Count} kept ({string.Join(", ", additional.Keys)})";
            foreach (var extra in extras)
            {
                if (!additional.TryGetValue(extra.Key, out var kept)) return $"{path}.{extra.Key}: not kept";
                var difference = CompareJson(extra.Value, kept, path + "." + extra.Key);
                if (difference != null) return difference;
            }
            return null;
        }

        private static string CompareValue(Type type, object value, JsonNode node, string at)
        {
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying == typeof(JsonElement))
            {
                if (node == null) return value == null || ((JsonElement)value).ValueKind == JsonValueKind.Null ? null : $"{at}: expected null";
                return value == null ? $"{at}: expected {node.ToJsonString()}, got null" : CompareJson(node, (JsonElement)value, at);
            }
            if (node == null) return value == null ? null : $"{at}: expected null, got {value}";
            if (value == null) return $"{at}: expected {node.ToJsonString()}, got null";

            if (underlying == typeof(string)) return Same(node.GetValue<string>(), (string)value, at);
            if (underlying == typeof(int)) return Same(node.GetValue<int>(), (int)value, at);
            if (underlying == typeof(bool)) return Same(node.GetValue<bool>(), (bool)value, at);
            if (underlying == typeof(DateTimeOffset))
            {
                var expected = DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                var actual = (DateTimeOffset)value;
                return expected == actual && expected.Offset == actual.Offset ? null : $"{at}: expected {expected:o}, got {actual:o}";
            }
            if (typeof(ApiStringEnum).IsAssignableFrom(underlying))
            {
                var sent = node.GetValue<string>();
                var parsed = (ApiStringEnum)value;
                var canonical = parsed.KnownValues.FirstOrDefault(k => string.Equals(k, sent, StringComparison.OrdinalIgnoreCase));
                return Same(canonical ?? sent, parsed.Value, at) ?? Same(canonical != null, parsed.IsKnown, at + " (known)");
            }
            if (typeof(ApiObject).IsAssignableFrom(underlying)) return Compare(underlying, value, node, at);
            if (value is IList list)
            {
                var array = (JsonArray)node;
                if (array.Count != list.Count) return $"{at}: {array.Count} items sent, {list.Count} parsed";
                var itemType = underlying.GetGenericArguments()[0];
                for (var i = 0; i < array.Count; i++)
                {
                    var difference = Compare(itemType, list[i], array[i], $"{at}[{i}]");
                    if (difference != null) return difference;
                }
                return null;
            }
            if (value is Dictionary<string, JsonElement> labels)
            {
                var obj = (JsonObject)node;
                if (obj.Count != labels.Count) return $"{at}: {obj.Count} entries sent, {labels.Count} parsed";
                foreach (var entry in obj)
                {
                    if (!labels.TryGetValue(entry.Key, out var kept)) return $"{at}.{entry.Key}: missing";
                    var difference = CompareJson(entry.Value, kept, at + "." + entry.Key);
                    if (difference != null) return difference;
                }
                return null;
            }
            return $"{at}: no comparison for {underlying.Name}";
        }

        private static string Same<T>(T expected, T actual, string at) =>
            EqualityComparer<T>.Default.Equals(expected, actual) ? null : $"{at}: expected {expected}, got {actual}";

        /// <summary>Deep equality of a sent node and a kept element; numbers by their text, so nothing is lost to a double.</summary>
        private static string CompareJson(JsonNode sent, JsonElement kept, string at)
        {
            if (sent == null) return kept.ValueKind == JsonValueKind.Null ? null : $"{at}: expected null, got {kept.GetRawText()}";
            using var document = JsonDocument.Parse(RandomResponses.Serialize(sent));
            return CompareElements(document.RootElement, kept, at);
        }

        private static string CompareElements(JsonElement expected, JsonElement actual, string at)
        {
            if (expected.ValueKind != actual.ValueKind) return $"{at}: expected {expected.ValueKind}, got {actual.ValueKind}";
            switch (expected.ValueKind)
            {
                case JsonValueKind.Object:
                    var e = expected.EnumerateObject().ToList();
                    var a = actual.EnumerateObject().ToList();
                    if (!e.Select(p => p.Name).SequenceEqual(a.Select(p => p.Name))) return $"{at}: keys differ";
                    for (var i = 0; i < e.Count; i++)
                    {
                        var difference = CompareElements(e[i].Value, a[i].Value, at + "." + e[i].Name);
                        if (difference != null) return difference;
                    }
                    return null;
                case JsonValueKind.Array:
                    var ea = expected.EnumerateArray().ToList();
                    var aa = actual.EnumerateArray().ToList();
                    if (ea.Count != aa.Count) return $"{at}: {ea.Count} items sent, {aa.Count} kept";
                    for (var i = 0; i < ea.Count; i++)
                    {
                        var difference = CompareElements(ea[i], aa[i], $"{at}[{i}]");
                        if (difference != null) return difference;
                    }
                    return null;
                case JsonValueKind.Number:
                    return expected.GetRawText() == actual.GetRawText() ? null : $"{at}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
                case JsonValueKind.String:
                    return expected.GetString() == actual.GetString() ? null : $"{at}: strings differ";
                default:
                    return null;
            }
        }
    }
}
