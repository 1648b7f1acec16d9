using System;

namespace Baseten.Core.Models
{
    /// <summary>The inclusive range the API accepts for an integer field (from the OpenAPI minimum/maximum).</summary>
    [AttributeUsage(AttributeTargets.Property)]
    public sealed class ApiRangeAttribute : Attribute
    {
        public ApiRangeAttribute(long minimum, long maximum)
        {
            Minimum = minimum;
            Maximum = maximum;
        }

        public long Minimum { get; }
        public long Maximum { get; }
    }
}
