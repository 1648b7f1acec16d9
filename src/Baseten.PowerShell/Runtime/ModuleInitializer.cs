using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Baseten.PowerShell
{
    /// <summary>
    /// On Windows PowerShell 5.1 (.NET Framework) the netstandard2.0 dependencies (System.Text.Json,
    /// System.Memory, ...) ship in the module's dependencies/ folder and are resolved from there only when the
    /// runtime asks, so they never shadow another module's copies. PowerShell 7 uses its own and needs nothing.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", "dependencies");

        public void OnImport()
        {
            if (IsNetFramework()) AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsNetFramework()) AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;
        }

        private static bool IsNetFramework() =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        private static Assembly ResolveDependency(object sender, ResolveEventArgs args)
        {
            var candidate = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }
}
