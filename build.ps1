<#
.SYNOPSIS
    Builds, tests and packages the Baseten PowerShell module.

.DESCRIPTION
    Run it with the repo's local PowerShell tool (there is no pwsh on PATH here):

        dotnet tool restore
        dotnet pwsh -NoProfile -File ./build.ps1 -Task Build     # out/Baseten/ (the shippable module)
        dotnet pwsh -NoProfile -File ./build.ps1 -Task Test      # Build + xunit + Pester; last line "N passed, N failed, N skipped"

    Tasks run in the order given; Build runs at most once per invocation. Several tasks at once need -Command
    (with -File PowerShell passes 'Clean,Build' as one string):

        dotnet pwsh -NoProfile -Command './build.ps1 -Task Clean,Test; exit $LASTEXITCODE'

      Build  dotnet build of the solution (and of any tests/Baseten.*.Tests project missing from it), dotnet publish
             (no rebuild) of the module and the emulator, then out/Baseten/ is assembled from scratch, the MAML help
             is generated (tools/New-MamlHelp.ps1) and the result is imported and checked in a fresh child process
             (tools/Assert-BuiltModule.ps1). Any problem fails the build.
      Test   Build, then every tests/Baseten.*.Tests project (dotnet test --no-build, TRX in out/test-results), then
             npm ci of tools/prism (Prism, for the contract tests) when node_modules is missing and node/npm exist,
             then Pester (tests/Invoke-PesterSuite.ps1 in a fresh process: tests/pester, then tests/contract).
             Prints one line per suite, then, as the very last line, "N passed, N failed, N skipped" (totals).
             Exit 1 if anything failed or a suite did not run (a suite that crashed counts as failed).
      Demo   Build, then tools/Demo.ps1 in a fresh process.
      Bench  Build, then tools/Bench.ps1 in a fresh process.
      Soak   Build, then tools/Soak.ps1 in a fresh process (faults, 10,000 calls, parallel runspaces; out/soak/results.md).
      Clean  Removes out/.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Soak', 'Clean')]
    [string[]]$Task = 'Build',

    [string]$Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$RepoRoot = $PSScriptRoot
$OutRoot = Join-Path $RepoRoot 'out'
$ModuleName = 'Baseten'
$ModuleOut = Join-Path $OutRoot $ModuleName
$PublishRoot = Join-Path $OutRoot 'publish'
$ResultsDir = Join-Path $OutRoot 'test-results'
$ManifestSource = Join-Path $RepoRoot "$ModuleName.psd1"
$HelpFileName = 'Baseten.PowerShell.dll-Help.xml'
$PesterVersion = '6.2.0'
$PesterManifest = Join-Path $RepoRoot "tools/packages/pester/$PesterVersion/tools/Pester.psd1"

$Dotnet = (Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
if (-not $Dotnet) { throw 'build.ps1: dotnet is not on PATH.' }

# Quiet, reproducible .NET CLI output; plain text from every child process.
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
$env:NO_COLOR = '1'
if (Get-Variable -Name PSStyle -ErrorAction SilentlyContinue) { $PSStyle.OutputRendering = 'PlainText' }

$script:Built = $false
$script:ToolRestored = $false
$script:TestTotals = $null   # set by the Test task; printed as the very last line

function Write-Step([string]$Text) { Write-Host "==> $Text" }

function Invoke-Dotnet([string]$What, [string[]]$Arguments) {
    & $Dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$What failed (dotnet exit code $LASTEXITCODE)." }
}

# Runs a script in a fresh 'dotnet pwsh -NoProfile' (binary modules cannot be unloaded, so every check
# of the built module needs its own process). Returns the exit code.
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @())
    if (-not $script:ToolRestored) {
        $restore = & $Dotnet tool restore 2>&1
        if ($LASTEXITCODE -ne 0) { $restore | Out-Host; throw 'dotnet tool restore failed: cannot start the local PowerShell tool.' }
        $script:ToolRestored = $true
    }
    # Out-Host: the child's output goes to the console as it comes, not into the caller's return value.
    & $Dotnet pwsh -NoProfile -NonInteractive -File $File @Arguments | Out-Host
    $LASTEXITCODE
}

function Get-TestProjects {
    @(Get-ChildItem -Path (Join-Path $RepoRoot 'tests') -Directory -Filter 'Baseten.*.Tests' -ErrorAction SilentlyContinue |
            ForEach-Object { Get-ChildItem -LiteralPath $_.FullName -Filter '*.csproj' -File } |
            Sort-Object Name | ForEach-Object FullName)
}

# ------------------------------------------------------------------------------------------------- Build
function Invoke-Build {
    if ($script:Built) { return }
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    Push-Location $RepoRoot
    try {
        Write-Step "Build: compile ($Configuration)"
        $sln = Join-Path $RepoRoot 'Baseten.PowerShell.sln'
        Invoke-Dotnet 'dotnet build Baseten.PowerShell.sln' @('build', $sln, '-c', $Configuration, '-v', 'minimal', '-nologo')

        # A test project that is not in the solution still has to compile before 'dotnet test --no-build'.
        $slnText = Get-Content -LiteralPath $sln -Raw
        foreach ($proj in Get-TestProjects) {
            $relative = [IO.Path]::GetRelativePath($RepoRoot, $proj).Replace('/', '\')
            if ($slnText.IndexOf($relative, [StringComparison]::OrdinalIgnoreCase) -lt 0) {
                Write-Warning "$relative is not in Baseten.PowerShell.sln (add it: dotnet sln add $relative); building it separately."
                Invoke-Dotnet "dotnet build $relative" @('build', $proj, '-c', $Configuration, '-v', 'minimal', '-nologo')
            }
        }

        Write-Step 'Build: publish module and emulator'
        if (Test-Path -LiteralPath $PublishRoot) { Remove-Item -LiteralPath $PublishRoot -Recurse -Force }
        $pubModule = Join-Path $PublishRoot 'module'
        $pubEmulator = Join-Path $PublishRoot 'emulator'
        Invoke-Dotnet 'dotnet publish src/Baseten.PowerShell' @('publish', (Join-Path $RepoRoot 'src/Baseten.PowerShell/Baseten.PowerShell.csproj'),
            '-c', $Configuration, '--no-build', '-o', $pubModule, '-v', 'quiet', '-nologo')
        Invoke-Dotnet 'dotnet publish src/Baseten.Emulator' @('publish', (Join-Path $RepoRoot 'src/Baseten.Emulator/Baseten.Emulator.csproj'),
            '-c', $Configuration, '--no-build', '-o', $pubEmulator, '-v', 'quiet', '-nologo')

        Write-Step "Build: assemble $([IO.Path]::GetRelativePath($RepoRoot, $ModuleOut))"
        if (Test-Path -LiteralPath $ModuleOut) { Remove-Item -LiteralPath $ModuleOut -Recurse -Force }
        $depsOut = Join-Path $ModuleOut 'dependencies'
        $helpOut = Join-Path $ModuleOut 'en-US'
        New-Item -ItemType Directory -Path $ModuleOut, $depsOut, $helpOut -Force | Out-Null

        $own = 'Baseten.PowerShell.dll', 'Baseten.Core.dll'
        foreach ($f in $own) { Copy-Item -LiteralPath (Join-Path $pubModule $f) -Destination $ModuleOut }
        Copy-Item -LiteralPath (Join-Path $pubEmulator 'Baseten.Emulator.dll') -Destination $ModuleOut
        Copy-Item -LiteralPath $ManifestSource -Destination $ModuleOut
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'module/Baseten.Format.ps1xml') -Destination $ModuleOut
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'module/en-US/about_Baseten.help.txt') -Destination $helpOut

        # Every other dll of the netstandard2.0 publish (System.Text.Json, System.Memory, ...) is needed only on
        # Windows PowerShell 5.1; the module initializer resolves them from dependencies/. The emulator's extra
        # dependencies (if any) go there too. System.Management.Automation is never shipped.
        $deps = @(Get-ChildItem -LiteralPath $pubModule, $pubEmulator -Filter '*.dll' -File |
                Where-Object { $_.Name -notin ($own + 'Baseten.Emulator.dll') -and $_.Name -ne 'System.Management.Automation.dll' } |
                Sort-Object Name -Unique)
        foreach ($d in $deps) { Copy-Item -LiteralPath $d.FullName -Destination $depsOut }

        Write-Step 'Build: generate MAML help'
        $code = Invoke-ChildPwsh -File (Join-Path $RepoRoot 'tools/New-MamlHelp.ps1') -Arguments @(
            '-ModulePath', (Join-Path $ModuleOut "$ModuleName.psd1"),
            '-HelpSourcePath', (Join-Path $RepoRoot 'module/help'),
            '-OutputPath', (Join-Path $helpOut $HelpFileName))
        if ($code -ne 0) { throw "Help generation failed (tools/New-MamlHelp.ps1 exit code $code); see the problems listed above." }

        Write-Step 'Build: check the layout'
        $expected = @(
            'Baseten.psd1', 'Baseten.PowerShell.dll', 'Baseten.Core.dll', 'Baseten.Emulator.dll', 'Baseten.Format.ps1xml',
            "en-US/$HelpFileName", 'en-US/about_Baseten.help.txt'
        ) + @($deps | ForEach-Object { "dependencies/$($_.Name)" })
        $missing = @($expected | Where-Object { -not (Test-Path -LiteralPath (Join-Path $ModuleOut $_) -PathType Leaf) })
        if ($missing) { throw "The module layout is incomplete; missing: $($missing -join ', ')." }
        $sma = @(Get-ChildItem -LiteralPath $ModuleOut -Recurse -Filter 'System.Management.Automation.dll')
        if ($sma) { throw "System.Management.Automation.dll must never ship with the module: $($sma.FullName -join ', ')." }
        $strayTop = @(Get-ChildItem -LiteralPath $ModuleOut -File -Filter '*.dll' | Where-Object Name -notin ($own + 'Baseten.Emulator.dll'))
        if ($strayTop) { throw "Unexpected dlls beside the module (they belong in dependencies/): $($strayTop.Name -join ', ')." }

        Write-Step 'Build: import the built module in a fresh process and check it'
        $code = Invoke-ChildPwsh -File (Join-Path $RepoRoot 'tools/Assert-BuiltModule.ps1') -Arguments @(
            '-ModuleDirectory', $ModuleOut)
        if ($code -ne 0) { throw "The built module failed its checks (tools/Assert-BuiltModule.ps1 exit code $code); see above." }

        $files = @(Get-ChildItem -LiteralPath $ModuleOut -Recurse -File)
        $size = ($files | Measure-Object -Property Length -Sum).Sum
        $manifest = Import-PowerShellDataFile -LiteralPath $ManifestSource
        Write-Host ''
        Write-Host ("Built {0} {1} -> {2}" -f $ModuleName, $manifest.ModuleVersion, $ModuleOut)
        Write-Host ("  {0} files, {1:N0} KB; {2} dependency dll(s) in dependencies/ (Windows PowerShell 5.1 only)" -f $files.Count, ($size / 1KB), $deps.Count)
        Write-Host ("  cmdlets: {0}" -f ($manifest.CmdletsToExport -join ', '))
        Write-Host ("  build time: {0:N1} s" -f $sw.Elapsed.TotalSeconds)
        Write-Host ''
        $script:Built = $true
    }
    finally { Pop-Location }
}

# -------------------------------------------------------------------------------------------------- Test
function Read-TrxCounts([string]$Path) {
    [xml]$trx = Get-Content -LiteralPath $Path -Raw
    $c = $trx.TestRun.ResultSummary.Counters
    $n = { param($name) $v = $c.GetAttribute($name); if ($v) { [int]$v } else { 0 } }
    $total = & $n 'total'
    # xunit's skipped tests are results with outcome NotExecuted, but the TRX logger leaves the notExecuted
    # counter at 0 and counts them only in total - executed.
    $skipped = [math]::Max((& $n 'notExecuted'), $total - (& $n 'executed'))
    [pscustomobject]@{
        Total       = $total
        Passed      = & $n 'passed'
        # error/timeout/aborted are failures too
        Failed      = (& $n 'failed') + (& $n 'error') + (& $n 'timeout') + (& $n 'aborted')
        NotExecuted = $skipped
        Outcome     = $trx.TestRun.ResultSummary.outcome
    }
}

function Invoke-Test {
    $suites = [System.Collections.Generic.List[object]]::new()
    $script:TestTotals = $suites
    $addSuite = {
        param($Name, $Passed, $Failed, $Skipped, $Note)
        $suites.Add([pscustomobject]@{ Suite = $Name; Passed = [int]$Passed; Failed = [int]$Failed; Skipped = [int]$Skipped; Note = $Note })
    }

    try { Invoke-Build }
    catch {
        [Console]::Error.WriteLine("build.ps1: Build failed: $($_.Exception.Message)")
        & $addSuite 'build' 0 1 0 'the build failed; no tests ran'
        return
    }

    Push-Location $RepoRoot
    try {
        New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null

        # ---- xunit
        $projects = Get-TestProjects
        if (-not $projects) { Write-Warning 'No tests/Baseten.*.Tests projects found.' }
        foreach ($proj in $projects) {
            $name = [IO.Path]::GetFileNameWithoutExtension($proj)
            $trxPath = Join-Path $ResultsDir "$name.trx"
            Remove-Item -LiteralPath $trxPath -Force -ErrorAction SilentlyContinue
            Write-Step "Test: xunit $name"
            & $Dotnet test $proj -c $Configuration --no-build --nologo `
                --logger "trx;LogFileName=$name.trx" --results-directory $ResultsDir
            $code = $LASTEXITCODE
            if (-not (Test-Path -LiteralPath $trxPath)) {
                & $addSuite "xunit $name" 0 1 0 "did not run (dotnet test exit code $code, no TRX)"
                continue
            }
            try { $counts = Read-TrxCounts $trxPath }
            catch {
                & $addSuite "xunit $name" 0 1 0 "unreadable TRX: $($_.Exception.Message)"
                continue
            }
            $note = $null
            $failed = $counts.Failed
            if ($code -ne 0 -and $failed -eq 0) { $failed = 1; $note = "dotnet test exit code $code with no failed test: counted as a failure (outcome $($counts.Outcome))" }
            elseif ($counts.Total -eq 0) { $note = 'no tests found' }
            & $addSuite "xunit $name" $counts.Passed $failed $counts.NotExecuted $note
        }

        # ---- Prism (npm) for the contract tests
        $prismDir = Join-Path $RepoRoot 'tools/prism'
        $prismBin = Join-Path $prismDir 'node_modules/@stoplight/prism-cli/package.json'   # (.bin/prism is prism.cmd on Windows)
        if (Test-Path -LiteralPath (Join-Path $prismDir 'package-lock.json')) {
            if (-not (Test-Path -LiteralPath $prismBin)) {
                $npm = Get-Command -Name npm -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
                $node = Get-Command -Name node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
                if ($npm -and $node) {
                    Write-Step 'Test: npm ci (Prism for the contract tests)'
                    $env:SCARF_ANALYTICS = 'false'
                    & $npm.Source ci --prefix $prismDir --no-audit --no-fund --ignore-scripts --loglevel=error
                    if ($LASTEXITCODE -ne 0) { Write-Warning "npm ci failed (exit code $LASTEXITCODE): the contract tests that need Prism will skip." }
                }
                else { Write-Warning 'node/npm not found: the contract tests that need Prism will skip.' }
            }
        }

        # ---- Pester, in a fresh process
        if (-not (Test-Path -LiteralPath $PesterManifest)) {
            Write-Step "Test: restore Pester $PesterVersion (NuGet)"
            Invoke-Dotnet 'dotnet restore tools/Pester.Restore.csproj' @('restore', (Join-Path $RepoRoot 'tools/Pester.Restore.csproj'), '-v', 'quiet')
        }
        $pesterJson = Join-Path $ResultsDir 'pester.json'
        Remove-Item -LiteralPath $pesterJson -Force -ErrorAction SilentlyContinue
        Write-Step 'Test: Pester (fresh process)'
        $code = Invoke-ChildPwsh -File (Join-Path $RepoRoot 'tests/Invoke-PesterSuite.ps1') -Arguments @(
            '-OutputDirectory', $ResultsDir, '-PesterPath', $PesterManifest)
        if (-not (Test-Path -LiteralPath $pesterJson)) {
            & $addSuite 'pester' 0 1 0 "did not run (runner exit code $code, no pester.json)"
        }
        else {
            $p = Get-Content -LiteralPath $pesterJson -Raw | ConvertFrom-Json
            $passes = @(if ($p.PSObject.Properties['Passes'] -and $p.Passes) { $p.Passes } else { $p })
            $counted = 0
            foreach ($pass in $passes) {
                $name = if ($pass.PSObject.Properties['Name']) { $pass.Name } else { 'pester' }
                $failed = [int]$pass.Failed + [int]$pass.FailedBlocksCount + [int]$pass.FailedContainersCount
                $counted += $failed
                $notes = @()
                if ($pass.FailedBlocksCount -or $pass.FailedContainersCount) { $notes += "$($pass.FailedBlocksCount) failed block(s), $($pass.FailedContainersCount) failed container(s)" }
                if ($pass.PSObject.Properties['Crashed'] -and $pass.Crashed) { $notes += "did not run: $($pass.Error)" }
                & $addSuite $name $pass.Passed $failed $pass.Skipped $(if ($notes) { $notes -join '; ' })
            }
            if ($code -ne 0 -and $counted -eq 0) {
                & $addSuite 'pester runner' 0 1 0 "runner exit code $code with no failure counted: counted as a failure"
            }
        }
    }
    catch {
        [Console]::Error.WriteLine("build.ps1: Test task error: $($_.Exception.Message)")
        & $addSuite 'test task' 0 1 0 $_.Exception.Message
    }
    finally { Pop-Location }
}

function Write-TestSummary {
    # The per-suite lines, then the line CI reads, which must be the very last line of output.
    $suites = $script:TestTotals
    Write-Host ''
    Write-Host '==> Test summary'
    foreach ($s in $suites) {
        $line = '  {0,-34} {1} passed, {2} failed, {3} skipped' -f $s.Suite, $s.Passed, $s.Failed, $s.Skipped
        if ($s.Note) { $line += "  ($($s.Note))" }
        Write-Host $line
    }
    $passed = ($suites | Measure-Object -Property Passed -Sum).Sum
    $failed = ($suites | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($suites | Measure-Object -Property Skipped -Sum).Sum
    [Console]::Error.Flush()
    [Console]::Out.WriteLine(('{0} passed, {1} failed, {2} skipped' -f [int]$passed, [int]$failed, [int]$skipped))
    [Console]::Out.Flush()
    [int]$failed
}

# ---------------------------------------------------------------------------------------------- Demo/Bench
function Invoke-ToolScript([string]$Name) {
    $script = Join-Path $RepoRoot "tools/$Name.ps1"
    if (-not (Test-Path -LiteralPath $script)) { throw "tools/$Name.ps1 does not exist: nothing to run for -Task $Name." }
    Invoke-Build
    Write-Step "${Name}: tools/$Name.ps1 (fresh process)"
    Push-Location $RepoRoot
    try { $code = Invoke-ChildPwsh -File $script } finally { Pop-Location }
    if ($code -ne 0) { throw "tools/$Name.ps1 failed (exit code $code)." }
}

# ---------------------------------------------------------------------------------------------------- Main
$exitCode = 0
try {
    foreach ($t in $Task) {
        switch ($t) {
            'Clean' {
                Write-Step 'Clean: remove out/'
                if (Test-Path -LiteralPath $OutRoot) { Remove-Item -LiteralPath $OutRoot -Recurse -Force }
                $script:Built = $false
            }
            'Build' { Invoke-Build }
            'Test' { Invoke-Test }
            'Demo' { Invoke-ToolScript 'Demo' }
            'Bench' { Invoke-ToolScript 'Bench' }
            'Soak' { Invoke-ToolScript 'Soak' }
        }
    }
}
catch {
    [Console]::Error.WriteLine("build.ps1: $($_.Exception.Message)")
    $exitCode = 1
    if ($null -ne $script:TestTotals) {
        $script:TestTotals.Add([pscustomobject]@{ Suite = 'build.ps1'; Passed = 0; Failed = 1; Skipped = 0; Note = $_.Exception.Message })
    }
}

if ($null -ne $script:TestTotals) {
    $failedCount = Write-TestSummary
    if ($failedCount -gt 0) { $exitCode = 1 }
}
exit $exitCode
