<#
    Shared bootstrapping for the Pester tests. Every path is relative to this file, so the tests run from
    any working directory. The tests always run against the BUILT module (out/Baseten), in a fresh process
    (tests/Invoke-PesterSuite.ps1, started by build.ps1 -Task Test).

    Typical use:

        BeforeAll {
            Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
            Import-BuiltModule
            $emu = Start-TestEmulator
            $model = $emu.AddModel('my-llm')
            Connect-TestEmulator $emu
        }
        AfterAll { if ($emu) { $emu.Dispose() } }
#>

Set-StrictMode -Version 3.0

$script:RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath

function Get-RepoRoot {
    <# The repository root (the folder that holds build.ps1). #>
    $script:RepoRoot
}

function Get-BuiltModuleDirectory {
    <# out/Baseten: the module as build.ps1 assembles it. Throws when it has not been built. #>
    $dir = Join-Path $script:RepoRoot 'out/Baseten'
    if (-not (Test-Path -LiteralPath (Join-Path $dir 'Baseten.psd1'))) {
        throw "The module is not built ($dir). Run: dotnet pwsh -NoProfile -File build.ps1 -Task Build"
    }
    $dir
}

function Get-BuiltModulePath {
    <# out/Baseten/Baseten.psd1 #>
    Join-Path (Get-BuiltModuleDirectory) 'Baseten.psd1'
}

function Import-BuiltModule {
    <# Imports the built module into the global scope (a module function would otherwise import it into its own scope). #>
    [CmdletBinding()]
    param([switch]$PassThru)
    Import-Module -Name (Get-BuiltModulePath) -Global -Force -PassThru:$PassThru -ErrorAction Stop
}

function Start-TestEmulator {
    <#
    .SYNOPSIS
        Starts a Baseten emulator on a free loopback port and returns it ([Baseten.Emulator.BasetenEmulator]).
    .DESCRIPTION
        Loads out/Baseten/Baseten.Emulator.dll once per process (Add-Type), then BasetenEmulator.Start().
        Dispose the result when done ($emu.Dispose()). Useful members: BaseUri, ApiKey, AddModel(name),
        Requests (the request log), ClearRequests(), InjectFault(method, path, status, body, times[, delayMs]).
    #>
    [CmdletBinding()]
    param(
        # The full-access key (default: the emulator's fixed test key).
        [string]$ApiKey,
        # A key that may only read (GET); writes answer 403.
        [string]$ReadOnlyApiKey,
        # 0 (default): any free port.
        [int]$Port = 0
    )
    if (-not ('Baseten.Emulator.BasetenEmulator' -as [type])) {
        Add-Type -LiteralPath (Join-Path (Get-BuiltModuleDirectory) 'Baseten.Emulator.dll')
    }
    if (-not $ApiKey -and -not $ReadOnlyApiKey -and $Port -eq 0) {
        return [Baseten.Emulator.BasetenEmulator]::Start()
    }
    $options = [Baseten.Emulator.EmulatorOptions]::new()
    if ($ApiKey) { $options.ApiKey = $ApiKey }
    if ($ReadOnlyApiKey) { $options.ReadOnlyApiKey = $ReadOnlyApiKey }
    $options.Port = $Port
    [Baseten.Emulator.BasetenEmulator]::Start($options)
}

function Connect-TestEmulator {
    <# Connect-Baseten to an emulator started by Start-TestEmulator (its key unless -ApiKey is given). Returns nothing. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]$Emulator,
        [string]$ApiKey
    )
    $key = if ($ApiKey) { $ApiKey } else { $Emulator.ApiKey }
    $secure = ConvertTo-SecureString -String $key -AsPlainText -Force
    Connect-Baseten -ApiKey $secure -BaseUri $Emulator.BaseUri -Confirm:$false | Out-Null
}

function Get-SharedSpecPath {
    <#
    Path of a file in ../shared/spec (beside the repo; CI has it there), or $null when absent: a test that
    needs it must skip with a clear message then. Default: the OpenAPI document.
    #>
    param([string]$Name = 'baseten-openapi.json')
    $path = Join-Path $script:RepoRoot "../shared/spec/$Name"
    if (Test-Path -LiteralPath $path) { (Resolve-Path -LiteralPath $path).ProviderPath } else { $null }
}

function Get-PrismPath {
    <#
    The Prism CLI installed by build.ps1 -Task Test (npm ci in tools/prism, @stoplight/prism-cli 5.16.0),
    or $null when it is not installed (no node/npm, or the install failed): contract tests skip then.
    #>
    $bin = Join-Path $script:RepoRoot 'tools/prism/node_modules/.bin/prism'
    if ($IsWindows) { $bin += '.cmd' }
    if (Test-Path -LiteralPath $bin) { $bin } else { $null }
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a script block in a fresh 'dotnet pwsh -NoProfile' process and returns its output as text lines.
    .DESCRIPTION
        For checks that need a clean process (what an import loads, assembly isolation). $LASTEXITCODE
        is the child's exit code. The script block is passed as -EncodedCommand, so quoting is safe; it cannot
        see the caller's variables: pass values with -ArgumentList (strings; bound to param() in the block).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][scriptblock]$ScriptBlock,
        [string[]]$ArgumentList = @()
    )
    $dotnet = (Get-Command -Name dotnet -CommandType Application | Select-Object -First 1).Source
    $argsText = ($ArgumentList | ForEach-Object { "'" + ($_ -replace "'", "''") + "'" }) -join ' '
    $command = "& { $ScriptBlock } $argsText"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($command))
    Push-Location -LiteralPath $script:RepoRoot   # dotnet finds the local tool manifest from here
    try { & $dotnet pwsh -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1 | ForEach-Object { "$_" } }
    finally { Pop-Location }
}

Export-ModuleMember -Function Get-RepoRoot, Get-BuiltModuleDirectory, Get-BuiltModulePath, Import-BuiltModule,
    Start-TestEmulator, Connect-TestEmulator, Get-SharedSpecPath, Get-PrismPath, Invoke-ChildPwsh
