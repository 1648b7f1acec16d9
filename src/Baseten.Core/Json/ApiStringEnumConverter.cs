using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using Baseten.Core.Models;

namespace Baseten.Core.Json
{
    /// <summary>Reads and writes an <see cref="ApiStringEnum"/> as the plain JSON string the API uses.</summary>
    public sealed class ApiStringEnumConverter<T> : JsonConverter<T> where T : ApiStringEnum
    {
        private static readonly Func<string, T> Create = value => (T)Activator.CreateInstance(typeof(T), value);

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
