<#
.SYNOPSIS
    Measures Import-Module time and per-call cost, and writes the figures to out/bench/results.md.
.DESCRIPTION
    Run by `build.ps1 -Task Bench` against the built module in out/Baseten.
    - Import-Module: median of 10 fresh `dotnet pwsh` processes (the time of Import-Module alone).
    - Per call, in one process against the local emulator, after a warm-up, $Calls calls each of:
      Get-BasetenEnvironment; a bare HttpClient GET from PowerShell; Invoke-RestMethod.
#>
[CmdletBinding()]
param(
    [int] $ImportRuns = 10,
    [int] $Calls = 1000
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path $PSScriptRoot -Parent
$moduleFolder = Join-Path $root 'out/Baseten'
$manifest = Join-Path $moduleFolder 'Baseten.psd1'
$dotnet = (Get-Command dotnet).Source
$outFolder = Join-Path $root 'out/bench'
$null = New-Item -ItemType Directory -Force -Path $outFolder

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $middle = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

# --- Import-Module in fresh processes -------------------------------------------------------------
# Two figures per process: the first Import-Module of a fresh `pwsh -NoProfile` also pays for PowerShell's own
# module system starting (any module does: a built-in one is measured as the baseline), so the module's own
# cost is also measured after that start-up, as in a session whose profile has already imported something.
$probe = @"
`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; `$cold = `$sw.Elapsed.TotalMilliseconds
"`$cold"
"@
$warmProbe = @"
Import-Module Microsoft.PowerShell.Utility
`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; `$sw.Elapsed.TotalMilliseconds
"@
$baselineProbe = "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module Microsoft.PowerShell.Utility; `$sw.Elapsed.TotalMilliseconds"
function Measure-FreshProcess([string] $Command) {
    Push-Location $root
    try { [double](& $dotnet pwsh -NoProfile -NonInteractive -Command $Command | Select-Object -Last 1) }
    finally { Pop-Location }
}
$importTimes = foreach ($run in 1..$ImportRuns) { Measure-FreshProcess $probe }
$warmImportTimes = foreach ($run in 1..$ImportRuns) { Measure-FreshProcess $warmProbe }
$baselineTimes = foreach ($run in 1..$ImportRuns) { Measure-FreshProcess $baselineProbe }
$importMedian = Get-Median $importTimes
$warmImportMedian = Get-Median $warmImportTimes
$baselineMedian = Get-Median $baselineTimes

# --- Per call, one process ------------------------------------------------------------------------
Import-Module $manifest
Add-Type -Path (Join-Path $moduleFolder 'Baseten.Emulator.dll')
$emulator = [Baseten.Emulator.BasetenEmulator]::Start()
try {
    $model = $emulator.AddModel('bench-model')
    $plainKey = $emulator.ApiKey
    $null = Connect-Baseten -ApiKey (ConvertTo-SecureString $plainKey -AsPlainText -Force) -BaseUri $emulator.BaseUri
    $null = New-BasetenEnvironment -ModelId $model.Id -Name staging
    $uri = [Uri]::new($emulator.BaseUri, "v1/models/$($model.Id)/environments/staging")
    $headers = @{ Authorization = "Api-Key $plainKey" }

    $client = [System.Net.Http.HttpClient]::new()
    $client.DefaultRequestHeaders.TryAddWithoutValidation('Authorization', "Api-Key $plainKey") | Out-Null

    $cases = [ordered]@{
        'Get-BasetenEnvironment' = { $null = Get-BasetenEnvironment -ModelId $model.Id -Name staging }
        'HttpClient (bare, from PowerShell)' = { $null = $client.GetStringAsync($uri).GetAwaiter().GetResult() }
        'Invoke-RestMethod' = { $null = Invoke-RestMethod -Uri $uri -Headers $headers }
        # Context for the ratio: what any compiled cmdlet costs to invoke, with no HTTP at all.
        'Get-BasetenContext (no HTTP)' = { $null = Get-BasetenContext }
    }
    # Rounds interleave the cases, so drift on a shared machine (other processes, the GC, the emulator in this
    # process) hits all three alike; each figure is the median of the rounds' per-call means.
    $rounds = 10
    $perRound = [Math]::Max(1, [int]($Calls / $rounds))
    $samples = @{}
    foreach ($name in $cases.Keys) {
        $samples[$name] = [Collections.Generic.List[double]]::new()
        foreach ($i in 1..50) { & $cases[$name] }            # warm-up: JIT, connection pool
    }
    foreach ($round in 1..$rounds) {
        foreach ($name in $cases.Keys) {
            $body = $cases[$name]
            $clock = [Diagnostics.Stopwatch]::StartNew()
            foreach ($i in 1..$perRound) { & $body }
            $samples[$name].Add($clock.Elapsed.TotalMilliseconds / $perRound)
        }
        $emulator.ClearRequests()
    }
    $perCall = [ordered]@{}
    foreach ($name in $cases.Keys) { $perCall[$name] = Get-Median $samples[$name].ToArray() }
    $emulator.ClearRequests()
    $client.Dispose()
}
finally {
    $emulator.Dispose()
}

# --- Report ---------------------------------------------------------------------------------------
$cmdlet = $perCall['Get-BasetenEnvironment']
$bare = $perCall['HttpClient (bare, from PowerShell)']
$irm = $perCall['Invoke-RestMethod']
$cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$machine = '{0}; {1} cores; {2}; PowerShell {3}; .NET {4}' -f $cpu, [Environment]::ProcessorCount,
    [System.Runtime.InteropServices.RuntimeInformation]::OSDescription, $PSVersionTable.PSVersion, [Environment]::Version
$lines = @(
    "# Benchmark ($(Get-Date -Format 'yyyy-MM-dd'))"
    ''
    "Machine: $machine"
    ''
    '| Measure | Result | Goal |'
    '|---|---|---|'
    ('| Import-Module, first module of a fresh process, median of {0} | {1:N1} ms (min {2:N1}, max {3:N1}) | < 100 ms |' -f $ImportRuns, $importMedian, ($importTimes | Measure-Object -Minimum).Minimum, ($importTimes | Measure-Object -Maximum).Maximum)
    ('| Baseline: Import-Module Microsoft.PowerShell.Utility, same conditions | {0:N1} ms | |' -f $baselineMedian)
    ('| Import-Module after PowerShell''s module system has started, median of {0} | {1:N1} ms (min {2:N1}, max {3:N1}) | < 100 ms |' -f $ImportRuns, $warmImportMedian, ($warmImportTimes | Measure-Object -Minimum).Minimum, ($warmImportTimes | Measure-Object -Maximum).Maximum)
    ('| Get-BasetenEnvironment, {0} calls | {1:N3} ms per call | within 1.5x of bare HttpClient |' -f ($rounds * $perRound), $cmdlet)
    ('| Bare HttpClient from PowerShell, {0} calls | {1:N3} ms per call | |' -f ($rounds * $perRound), $bare)
    ('| Invoke-RestMethod, {0} calls | {1:N3} ms per call | cmdlet faster |' -f ($rounds * $perRound), $irm)
    ('| For scale: Get-BasetenContext, a cmdlet that sends nothing | {0:N3} ms per call | |' -f $perCall['Get-BasetenContext (no HTTP)'])
    ('| Cmdlet / bare HttpClient | {0:N2}x | <= 1.5x |' -f ($cmdlet / $bare))
    ('| Cmdlet / Invoke-RestMethod | {0:N2}x | < 1x |' -f ($cmdlet / $irm))
)
$report = Join-Path $outFolder 'results.md'
$lines | Set-Content -Path $report -Encoding utf8
$lines | ForEach-Object { Write-Host $_ }
Write-Host ''
Write-Host "Written to $report"
