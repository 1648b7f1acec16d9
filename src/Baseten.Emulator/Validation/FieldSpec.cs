namespace Baseten.Emulator.Validation
{
    /// <summary>One field of a request object: its name, its kind, and whether it may be absent or null.</summary>
    internal sealed class FieldSpec
    {
        private FieldSpec(string name, FieldKind kind, bool required, bool nullable)
        {
            Name = name;
            Kind = kind;
            IsRequired = required;
            IsNullable = nullable;
        }

        public string Name { get; }

        public FieldKind Kind { get; }

        public bool IsRequired { get; }

        public bool IsNullable { get; }

        /// <summary>The common case in update objects: may be absent, may be null (both mean "not given").</summary>
        public static FieldSpec Optional(string name, FieldKind kind) => new FieldSpec(name, kind, false, true);

        /// <summary>May be absent, but if present must not be null (lists with a default).</summary>
        public static FieldSpec OptionalNotNull(string name, FieldKind kind) => new FieldSpec(name, kind, false, false);

        public static FieldSpec Required(string name, FieldKind kind) => new FieldSpec(name, kind, true, false);

        /// <summary>Must be present, null allowed (pydantic "X | None" without a default).</summary>
        public static FieldSpec RequiredNullable(string name, FieldKind kind) => new FieldSpec(name, kind, true, true);
    }
}
