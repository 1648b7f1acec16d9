<#
.SYNOPSIS
    Imports the built module (out/Baseten) and checks it against its manifest. Run by build.ps1 in a fresh
    'dotnet pwsh -NoProfile' process; exits 1 and lists every problem when a check fails.

.DESCRIPTION
    Checks: the module imports; the exported cmdlets equal the manifest's CmdletsToExport (no wildcards,
    no functions/aliases/variables); the MAML help is found for every cmdlet (Get-Help gives the written
    synopsis and description); about_Baseten is found; the format views load and cover every [OutputType];
    System.Management.Automation is not loaded from the module folder; the emulator assembly is not
    loaded at import.
#>
[CmdletBinding()]
param([Parameter(Mandatory)][string]$ModuleDirectory)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$problems = [System.Collections.Generic.List[string]]::new()

$ModuleDirectory = (Resolve-Path -LiteralPath $ModuleDirectory).ProviderPath
$psd1 = Join-Path $ModuleDirectory 'Baseten.psd1'
$manifest = Import-PowerShellDataFile -LiteralPath $psd1

foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport', 'FormatsToProcess') {
    if (-not $manifest.ContainsKey($key)) { $problems.Add("The manifest has no $key.") }
}
foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
    if ($manifest.ContainsKey($key) -and (@($manifest[$key]) -match '[*?\[]')) { $problems.Add("The manifest's $key uses a wildcard.") }
}

$sw = [System.Diagnostics.Stopwatch]::StartNew()
$module = Import-Module -Name $psd1 -PassThru -Force
$importMs = $sw.ElapsedMilliseconds

$exported = @($module.ExportedCmdlets.Keys | Sort-Object)
$declared = @($manifest.CmdletsToExport | Sort-Object)
$diff = Compare-Object -ReferenceObject $declared -DifferenceObject $exported
foreach ($d in $diff) {
    if ($d.SideIndicator -eq '<=') { $problems.Add("CmdletsToExport lists $($d.InputObject), which the module does not export (no such cmdlet?).") }
    else { $problems.Add("The module exports $($d.InputObject), which CmdletsToExport does not list.") }
}
if ($module.ExportedFunctions.Count) { $problems.Add("The module exports functions: $($module.ExportedFunctions.Keys -join ', ').") }
if ($module.ExportedAliases.Count) { $problems.Add("The module exports aliases: $($module.ExportedAliases.Keys -join ', ').") }
if ($module.ExportedVariables.Count) { $problems.Add("The module exports variables: $($module.ExportedVariables.Keys -join ', ').") }

# Assemblies loaded from the module folder at import
$loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {
        -not $_.IsDynamic -and $_.Location -and $_.Location.StartsWith($ModuleDirectory, [StringComparison]::OrdinalIgnoreCase) })
foreach ($a in $loaded) {
    $n = $a.GetName().Name
    if ($n -eq 'System.Management.Automation') { $problems.Add("System.Management.Automation was loaded from the module folder: $($a.Location).") }
    if ($n -eq 'Baseten.Emulator') { $problems.Add('Importing the module loaded Baseten.Emulator.dll; the emulator must load only on demand.') }
}
$smaLocation = [System.Management.Automation.PSObject].Assembly.Location
if ($smaLocation.StartsWith($ModuleDirectory, [StringComparison]::OrdinalIgnoreCase)) { $problems.Add("System.Management.Automation comes from the module folder: $smaLocation.") }

# Help
foreach ($name in $exported) {
    $help = Get-Help -Name $name -Full -ErrorAction SilentlyContinue
    $description = if ($help -and $help.PSObject.Properties['description'] -and $help.description) { ($help.description | ForEach-Object Text) -join '' } else { '' }
    if (-not $description.Trim()) { $problems.Add("Get-Help $name finds no MAML help (no description): is en-US/Baseten.PowerShell.dll-Help.xml there?") }
    elseif (-not @($help.examples.example).Count -ge 2) { $problems.Add("Get-Help $name shows fewer than two examples.") }
}
$about = Get-Help -Name about_Baseten -ErrorAction SilentlyContinue
if (-not $about) { $problems.Add('Get-Help about_Baseten finds nothing: is en-US/about_Baseten.help.txt there?') }

# Format views: the file loads (Import-Module already processed it) and covers every output type.
foreach ($name in $exported) {
    foreach ($t in (Get-Command -Name $name -Module $module.Name).OutputType) {
        if (-not (Get-FormatData -TypeName $t.Name)) { $problems.Add("No format view for $($t.Name) (output of $name) in Baseten.Format.ps1xml.") }
    }
}

if ($problems.Count) {
    [Console]::Error.WriteLine("Assert-BuiltModule: $($problems.Count) problem(s) in ${ModuleDirectory}:")
    foreach ($p in $problems) { [Console]::Error.WriteLine("  - $p") }
    exit 1
}
Write-Host ("Assert-BuiltModule: OK: {0} cmdlets match CmdletsToExport; help, about_Baseten and format views found; import took {1} ms." -f $exported.Count, $importMs)
exit 0
