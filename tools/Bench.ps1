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
$probe = "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; `$sw.Elapsed.TotalMilliseconds"
$importTimes = foreach ($run in 1..$ImportRuns) {
    Push-Location $root
    try { [double](& $dotnet pwsh -NoProfile -NonInteractive -Command $probe | Select-Object -Last 1) }
    finally { Pop-Location }
}
$importMedian = Get-Median $importTimes

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
    }
    $perCall = [ordered]@{}
    foreach ($name in $cases.Keys) {
        $body = $cases[$name]
        foreach ($i in 1..50) { & $body }                    # warm-up: JIT, connection pool
        [GC]::Collect()
        $clock = [Diagnostics.Stopwatch]::StartNew()
        foreach ($i in 1..$Calls) { & $body }
        $perCall[$name] = $clock.Elapsed.TotalMilliseconds / $Calls
    }
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
    ('| Import-Module, median of {0} fresh processes | {1:N1} ms (min {2:N1}, max {3:N1}) | < 100 ms |' -f $ImportRuns, $importMedian, ($importTimes | Measure-Object -Minimum).Minimum, ($importTimes | Measure-Object -Maximum).Maximum)
    ('| Get-BasetenEnvironment, mean of {0} calls | {1:N3} ms | within 1.5x of bare HttpClient |' -f $Calls, $cmdlet)
    ('| Bare HttpClient from PowerShell, mean of {0} calls | {1:N3} ms | |' -f $Calls, $bare)
    ('| Invoke-RestMethod, mean of {0} calls | {1:N3} ms | cmdlet faster |' -f $Calls, $irm)
    ('| Cmdlet / bare HttpClient | {0:N2}x | <= 1.5x |' -f ($cmdlet / $bare))
    ('| Cmdlet / Invoke-RestMethod | {0:N2}x | < 1x |' -f ($cmdlet / $irm))
)
$report = Join-Path $outFolder 'results.md'
$lines | Set-Content -Path $report -Encoding utf8
$lines | ForEach-Object { Write-Host $_ }
Write-Host ''
Write-Host "Written to $report"
