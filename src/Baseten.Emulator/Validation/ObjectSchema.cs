using System;
using System.Collections.Generic;
using System.Linq;

namespace Baseten.Emulator.Validation
{
    /// <summary>A request object: its fields in declaration order and whether unknown keys are refused.</summary>
    internal sealed class ObjectSchema
    {
        public ObjectSchema(string name, params FieldSpec[] fields)
            : this(name, true, fields)
        {
        }

        public ObjectSchema(string name, bool forbidExtra, params FieldSpec[] fields)
        {
            Name = name;
            ForbidExtra = forbidExtra;
            Fields = fields;
        }

        /// <summary>The OpenAPI schema name, for readers and diagnostics.</summary>
        public string Name { get; }

        public bool ForbidExtra { get; }

        public IReadOnlyList<FieldSpec> Fields { get; }

        public FieldSpec Find(string name) => Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
    }
}
