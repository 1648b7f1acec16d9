<#
.SYNOPSIS
    Runs the Pester suites against the BUILT module and writes their counts.

.DESCRIPTION
    build.ps1 -Task Test runs this in a fresh 'dotnet pwsh -NoProfile' process after the build (a binary
    module cannot be unloaded, so every run needs a new process). It imports Pester 6.2.0 by path (no
    PowerShell Gallery here; build.ps1 restores it from NuGet into tools/packages) and runs one
    Invoke-Pester pass per folder of -Path, in order:

      1. tests/pester    the main suite. Its emulators persist every request they answer to
                         <OutputDirectory>/requests/*.jsonl ($env:BASETEN_EMULATOR_REQUEST_LOG; the folder is
                         emptied first). NUnitXml: <OutputDirectory>/pester.xml
      2. tests/contract  (when it exists) the contract tests, which replay those requests to Prism
                         ($env:BASETEN_CONTRACT_REQUEST_LOG). They need the main pass to have finished, so
                         they cannot share its Invoke-Pester (discovery of all files happens before any run).
                         NUnitXml: <OutputDirectory>/pester-contract.xml

    The counts go to <OutputDirectory>/pester.json: totals over the passes plus one entry per pass:

        { "Passed": n, "Failed": n, "Skipped": n, "NotRun": n, "Total": n,
          "FailedBlocksCount": n, "FailedContainersCount": n, "DurationSeconds": n,
          "Passes": [ { "Name": "pester", "Path": "...", "Passed": n, ..., "Crashed": false, "Error": null } ] }

    Failures = Failed + FailedBlocksCount + FailedContainersCount (a broken BeforeAll fails a block, not a
    test). A pass that cannot run at all counts as one failed container. Exit code: 0 when there are no
    failures, 1 otherwise; 2 when Pester itself could not be loaded (then no pester.json is written).

    Tests tagged 'Live' (against the real Baseten API) are excluded unless -Tag Live is given.

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Invoke-PesterSuite.ps1
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Invoke-PesterSuite.ps1 -Path tests/pester/Module.Tests.ps1
#>
[CmdletBinding()]
param(
    # One Invoke-Pester pass per item, in order. Default: tests/pester, then tests/contract if it exists.
    [string[]]$Path,
    [string]$OutputDirectory = (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/test-results'),
    [string]$PesterPath = (Join-Path (Split-Path -Parent $PSScriptRoot) 'tools/packages/pester/6.2.0/tools/Pester.psd1'),
    [string[]]$Tag = @(),
    [string[]]$ExcludeTag = @('Live')
)

# No Set-StrictMode here: it would leak into every test file's scopes.
$ErrorActionPreference = 'Stop'
$env:NO_COLOR = '1'
if (Get-Variable -Name PSStyle -ErrorAction SilentlyContinue) { $PSStyle.OutputRendering = 'PlainText' }

if (-not $Path) {
    $Path = @(Join-Path $PSScriptRoot 'pester')
    $contractDir = Join-Path $PSScriptRoot 'contract'
    if (Test-Path -LiteralPath $contractDir) { $Path += $contractDir }
}

try {
    if (-not (Test-Path -LiteralPath $PesterPath)) {
        throw "Pester not found at $PesterPath. Restore it: dotnet restore tools/Pester.Restore.csproj"
    }
    Import-Module -Name $PesterPath -Force
    $pester = Get-Module -Name Pester
    if ($pester.Version -ne [version]'6.2.0') { throw "Expected Pester 6.2.0, got $($pester.Version) from $($pester.Path)." }
    New-Item -ItemType Directory -Path $OutputDirectory -Force | Out-Null
    $OutputDirectory = (Resolve-Path -LiteralPath $OutputDirectory).ProviderPath
}
catch {
    [Console]::Error.WriteLine("Invoke-PesterSuite: Pester could not run: $($_.Exception.Message)")
    exit 2
}

if ($Tag -contains 'Live') { $ExcludeTag = @($ExcludeTag | Where-Object { $_ -ne 'Live' }) }
$requestLogDir = Join-Path $OutputDirectory 'requests'
$requestLogCleared = $false
$passes = [System.Collections.Generic.List[object]]::new()

foreach ($p in $Path) {
    $full = [System.IO.Path]::GetFullPath($p)
    $leaf = Split-Path -Leaf $full
    $isContract = $leaf -eq 'contract' -or $full -match '[\\/]contract([\\/]|$)'
    $name = if ($leaf -eq 'pester') { 'pester' } elseif ($isContract) { 'pester contract' } else { "pester $leaf" }
    $xml = if ($isContract) { 'pester-contract.xml' } elseif ($passes.Count -eq 0) { 'pester.xml' } else { "pester-$($passes.Count + 1).xml" }

    if ($isContract) {
        # The contract tests read what the main pass logged; their own emulators log elsewhere.
        $env:BASETEN_CONTRACT_REQUEST_LOG = $requestLogDir
        Remove-Item -Path Env:BASETEN_EMULATOR_REQUEST_LOG -ErrorAction SilentlyContinue
    }
    else {
        if (-not $requestLogCleared) {
            if (Test-Path -LiteralPath $requestLogDir) { Remove-Item -LiteralPath $requestLogDir -Recurse -Force }
            New-Item -ItemType Directory -Path $requestLogDir -Force | Out-Null
            $requestLogCleared = $true
        }
        $env:BASETEN_EMULATOR_REQUEST_LOG = $requestLogDir
    }

    $entry = [ordered]@{
        Name = $name; Path = $full; Passed = 0; Failed = 0; Skipped = 0; NotRun = 0; Total = 0
        FailedBlocksCount = 0; FailedContainersCount = 0; DurationSeconds = 0; Crashed = $false; Error = $null
    }
    Write-Host ''
    Write-Host "==> Pester pass '$name': $full"
    try {
        if (-not (Test-Path -LiteralPath $full)) { throw "$full does not exist." }
        $config = New-PesterConfiguration
        $config.Run.Path = @($full)
        $config.Run.PassThru = $true
        $config.Run.Exit = $false
        $config.Output.Verbosity = 'Detailed'
        $config.Output.RenderMode = 'Plaintext'
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputFormat = 'NUnitXml'
        $config.TestResult.OutputPath = Join-Path $OutputDirectory $xml
        if ($Tag) { $config.Filter.Tag = $Tag }
        if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }

        $result = Invoke-Pester -Configuration $config
        if ($null -eq $result) { throw 'Invoke-Pester returned no result.' }

        $entry.Passed = [int]$result.PassedCount
        $entry.Failed = [int]$result.FailedCount
        $entry.Skipped = [int]$result.SkippedCount
        $entry.NotRun = [int]$result.NotRunCount
        $entry.Total = [int]$result.TotalCount
        $entry.FailedBlocksCount = [int]$result.FailedBlocksCount
        $entry.FailedContainersCount = [int]$result.FailedContainersCount
        $entry.DurationSeconds = [math]::Round($result.Duration.TotalSeconds, 2)

        foreach ($c in $result.FailedContainers) { Write-Host "Failed container: $($c.Item) $(@($c.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join '; ')" }
        foreach ($b in $result.FailedBlocks) { Write-Host "Failed block: $($b.ExpandedPath) $(@($b.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join '; ')" }
    }
    catch {
        $entry.Crashed = $true
        $entry.Error = $_.Exception.Message
        $entry.FailedContainersCount += 1
        [Console]::Error.WriteLine("Invoke-PesterSuite: pass '$name' could not run: $($_.Exception.Message)")
    }
    Write-Host ("Pester pass '{0}': {1} passed, {2} failed, {3} skipped ({4} failed block(s), {5} failed container(s)) in {6} s" -f `
            $name, $entry.Passed, $entry.Failed, $entry.Skipped, $entry.FailedBlocksCount, $entry.FailedContainersCount, $entry.DurationSeconds)
    $passes.Add([pscustomobject]$entry)
}

$sum = { param($Property) [int](($passes | Measure-Object -Property $Property -Sum).Sum) }
$counts = [ordered]@{
    Passed                = & $sum 'Passed'
    Failed                = & $sum 'Failed'
    Skipped               = & $sum 'Skipped'
    NotRun                = & $sum 'NotRun'
    Total                 = & $sum 'Total'
    FailedBlocksCount     = & $sum 'FailedBlocksCount'
    FailedContainersCount = & $sum 'FailedContainersCount'
    DurationSeconds       = [math]::Round((($passes | Measure-Object -Property DurationSeconds -Sum).Sum), 2)
    Passes                = @($passes)
}
$counts | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath (Join-Path $OutputDirectory 'pester.json') -Encoding utf8

$failures = $counts.Failed + $counts.FailedBlocksCount + $counts.FailedContainersCount
if ($failures -gt 0) { exit 1 }
exit 0
