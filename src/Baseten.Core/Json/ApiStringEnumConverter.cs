using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using Baseten.Core.Models;

namespace Baseten.Core.Json
{
    /// <summary>Reads and writes an <see cref="ApiStringEnum"/> as the plain JSON string the API uses.</summary>
    public sealed class ApiStringEnumConverter<T> : JsonConverter<T> where T : ApiStringEnum
    {
        // Bound once: Activator.CreateInstance with arguments goes through the reflection binder on every value.
        private static readonly Func<string, T> Create = BuildFactory();

        private static Func<string, T> BuildFactory()
        {
            var constructor = typeof(T).GetConstructor(new[] { typeof(string) })
                ?? throw new InvalidOperationException($"{typeof(T).Name} needs a constructor taking the string value.");
            var value = System.Linq.Expressions.Expression.Parameter(typeof(string), "value");
            return System.Linq.Expressions.Expression.Lambda<Func<string, T>>(System.Linq.Expressions.Expression.New(constructor, value), value).Compile();
        }

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"Expected a string for {typeof(T).Name}, found {reader.TokenType}.");
            return Create(reader.GetString());
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (value == null) writer.WriteNullValue();
            else writer.WriteStringValue(value.Value);
        }
    }
}
