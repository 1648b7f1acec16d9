#
# Module manifest for module 'Baseten'
#
# The module is one netstandard2.0 assembly (Baseten.PowerShell.dll) that Windows PowerShell 5.1 and
# PowerShell 7 both load. build.ps1 assembles the shippable layout in out/Baseten/:
#   Baseten.psd1, Baseten.PowerShell.dll, Baseten.Core.dll, Baseten.Emulator.dll (local sandbox only,
#   not loaded at import), Baseten.Format.ps1xml, en-US/ (MAML + about_Baseten), dependencies/ (the
#   netstandard2.0 facades that only Windows PowerShell 5.1 needs; resolved by the module initializer).
#
# Keep CmdletsToExport explicit and in step with the cmdlets: the build and tests/pester/Module.Tests.ps1
# fail when it differs from what the module really exports.
#

@{
    RootModule           = 'Baseten.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = 'bcad11c7-41c2-4a43-9bb4-8f8f973c4309'
    Author               = 'Baseten.PowerShell contributors'
    CompanyName          = 'Baseten.PowerShell contributors'
    Copyright            = '(c) Baseten.PowerShell contributors. All rights reserved.'
    Description          = 'Manage Baseten (https://www.baseten.co) from PowerShell: sign in with an API key and create and inspect model environments through the Baseten management REST API. Includes a local emulator of the API for sandboxed scripting and tests.'
    PowerShellVersion    = '5.1'

    FormatsToProcess     = @('Baseten.Format.ps1xml')

    CmdletsToExport      = @(
        'Connect-Baseten'
        'Disconnect-Baseten'
        'Get-BasetenContext'
        'New-BasetenEnvironment'
        'Get-BasetenEnvironment'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('Baseten', 'MLOps', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/baseten-powershell/Baseten.PowerShell'
            LicenseUri   = 'https://github.com/baseten-powershell/Baseten.PowerShell/blob/main/LICENSE'
            ReleaseNotes = 'https://github.com/baseten-powershell/Baseten.PowerShell/releases'
        }
    }
}
