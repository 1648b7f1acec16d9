using System.Management.Automation;

namespace Baseten.PowerShell.Tests
{
    /// <summary>Wraps values the way PowerShell does.</summary>
    internal static class PS
    {
        /// <summary>
        /// A PSObject around <paramref name="value"/>. Beware: in C#, <c>new PSObject(2)</c> binds to the
        /// PSObject(int) capacity constructor and makes an empty PSCustomObject, so always go through object.
        /// </summary>
        public static PSObject Wrap(object value) => new PSObject(value);
    }
}
