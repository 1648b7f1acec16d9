# Tests of the BUILT module as a package: manifest vs reality, layout, help, format views, what an import loads.
# Run by tests/Invoke-PesterSuite.ps1 (build.ps1 -Task Test) in a fresh process after the build.

BeforeDiscovery {
    $root = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath
    $psd1 = Join-Path $root 'out/Baseten/Baseten.psd1'
    $cmdletNames = if (Test-Path -LiteralPath $psd1) { @((Import-PowerShellDataFile -LiteralPath $psd1).CmdletsToExport) } else { @('(module not built)') }
    $cmdletCases = @($cmdletNames | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $moduleDir = Get-BuiltModuleDirectory
    $psd1 = Get-BuiltModulePath
    $manifest = Import-PowerShellDataFile -LiteralPath $psd1
    $module = Import-BuiltModule -PassThru
    $commonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @('UseTransaction', 'ProgressAction')
}

Describe 'Manifest' -Tag 'Unit', 'Package' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $psd1 -ErrorAction Stop } | Should -Not -Throw
    }

    It 'is the manifest from the repository, unchanged' {
        $source = Join-Path (Get-RepoRoot) 'Baseten.psd1'
        (Get-FileHash -LiteralPath $psd1).Hash | Should -Be (Get-FileHash -LiteralPath $source).Hash
    }

    It 'has RootModule Baseten.PowerShell.dll, PowerShellVersion 5.1 and both editions' {
        $manifest.RootModule | Should -Be 'Baseten.PowerShell.dll'
        $manifest.PowerShellVersion | Should -Be '5.1'
        @($manifest.CompatiblePSEditions | Sort-Object) | Should -Be @('Core', 'Desktop')
        $manifest.ModuleVersion | Should -Not -BeNullOrEmpty
        $manifest.GUID | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets in CmdletsToExport' {
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
    }

    It 'has an explicit <_> with no wildcards' -ForEach 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport' {
        $manifest.ContainsKey($_) | Should -BeTrue -Because "$_ must be present (a missing key exports everything)"
        @($manifest[$_]) -match '[*?\[]' | Should -BeNullOrEmpty
    }

    It 'exports no functions, aliases or variables' {
        @($manifest.FunctionsToExport) | Should -BeNullOrEmpty
        @($manifest.AliasesToExport) | Should -BeNullOrEmpty
        @($manifest.VariablesToExport) | Should -BeNullOrEmpty
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
    }

    It 'lists format files that exist' {
        $manifest.FormatsToProcess | Should -Not -BeNullOrEmpty
        foreach ($f in $manifest.FormatsToProcess) { Join-Path $moduleDir $f | Should -Exist }
    }

    It 'has gallery metadata (tags for editions and platforms, project and license links)' {
        $psData = $manifest.PrivateData.PSData
        foreach ($tag in 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS') { $psData.Tags | Should -Contain $tag }
        $psData.ProjectUri | Should -Match '^https://'
        $psData.LicenseUri | Should -Match '^https://'
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Author | Should -Not -BeNullOrEmpty
    }
}

Describe 'Layout of out/Baseten' -Tag 'Unit', 'Package' {
    It 'holds <_>' -ForEach 'Baseten.psd1', 'Baseten.PowerShell.dll', 'Baseten.Core.dll', 'Baseten.Emulator.dll',
    'Baseten.Format.ps1xml', 'en-US/Baseten.PowerShell.dll-Help.xml', 'en-US/about_Baseten.help.txt' {
        Join-Path $moduleDir $_ | Should -Exist
    }

    It 'holds no System.Management.Automation.dll' {
        @(Get-ChildItem -LiteralPath $moduleDir -Recurse -Filter 'System.Management.Automation*.dll') | Should -BeNullOrEmpty
    }

    It 'keeps third-party dlls in dependencies/, not beside the module' {
        @(Get-ChildItem -LiteralPath $moduleDir -File -Filter '*.dll' | ForEach-Object Name | Sort-Object) |
            Should -Be @('Baseten.Core.dll', 'Baseten.Emulator.dll', 'Baseten.PowerShell.dll')
        Join-Path $moduleDir 'dependencies/System.Text.Json.dll' | Should -Exist -Because 'Windows PowerShell 5.1 needs it'
    }

    It 'has MAML help that is well-formed XML' {
        { [xml](Get-Content -LiteralPath (Join-Path $moduleDir 'en-US/Baseten.PowerShell.dll-Help.xml') -Raw) } | Should -Not -Throw
    }
}

Describe 'Import in a fresh process' -Tag 'Unit', 'Package' {
    BeforeAll {
        $lines = Invoke-ChildPwsh -ArgumentList (Get-BuiltModulePath) -ScriptBlock {
            param($ModulePath)
            $ErrorActionPreference = 'Stop'
            $dir = Split-Path -Parent $ModulePath
            $sw = [Diagnostics.Stopwatch]::StartNew()
            Import-Module $ModulePath
            $ms = $sw.ElapsedMilliseconds
            $null = Get-BasetenContext   # runs module code; sends nothing
            $fromModule = @([AppDomain]::CurrentDomain.GetAssemblies() |
                    Where-Object { -not $_.IsDynamic -and $_.Location -and $_.Location.StartsWith($dir) } |
                    ForEach-Object { [IO.Path]::GetRelativePath($dir, $_.Location) })
            'RESULT:' + (@{
                    FromModule = $fromModule
                    Sma        = [System.Management.Automation.PSObject].Assembly.Location
                    ImportMs   = $ms
                    Emulator   = [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Baseten.Emulator' })
                } | ConvertTo-Json -Compress)
        }
        $exitCode = $LASTEXITCODE
        $resultLine = $lines | Where-Object { $_ -like 'RESULT:*' } | Select-Object -Last 1
        $result = if ($resultLine) { $resultLine.Substring(7) | ConvertFrom-Json } else { $null }
    }

    It 'imports without errors' {
        $exitCode | Should -Be 0 -Because ($lines -join "`n")
        $result | Should -Not -BeNullOrEmpty -Because ($lines -join "`n")
    }

    It 'does not load System.Management.Automation from the module folder' {
        $result.Sma | Should -Not -BeLike "$moduleDir*"
        @($result.FromModule) | Should -Not -Contain 'System.Management.Automation.dll'
    }

    It 'does not load the emulator at import' {
        $result.Emulator | Should -BeFalse
    }

    It 'loads nothing from dependencies/ on PowerShell 7 (those dlls are for Windows PowerShell 5.1)' {
        @($result.FromModule | Where-Object { $_ -like 'dependencies*' }) | Should -BeNullOrEmpty
    }
}

Describe 'Help of <Name>' -Tag 'Unit', 'Help' -ForEach $cmdletCases {
    BeforeAll {
        $command = Get-Command -Name $Name -Module Baseten
        $help = Get-Help -Name $Name -Full
        $parameterNames = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters })
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help makes the synopsis from the syntax.
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name"
    }

    It 'has a description' {
        ($help.description | ForEach-Object Text) -join '' | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        $undocumented = foreach ($p in $parameterNames) {
            $ph = Get-Help -Name $Name -Parameter $p -ErrorAction SilentlyContinue
            $text = if ($ph -and $ph.PSObject.Properties['description']) { ($ph.description | ForEach-Object Text) -join '' } else { '' }
            if (-not $text.Trim()) { $p }
        }
        $undocumented | Should -BeNullOrEmpty -Because 'every parameter needs text in module/help'
    }

    It 'answers Get-Help -Parameter with the real metadata' {
        foreach ($p in $parameterNames) {
            $ph = Get-Help -Name $Name -Parameter $p
            $ph.name | Should -Be $p
            $expectedRequired = [bool]($command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object { $_.Name -eq $p -and $_.IsMandatory })
            if (-not $expectedRequired) { $ph.required | Should -Be 'false' -Because "-$p is never mandatory" }
        }
    }

    It 'documents no parameter the cmdlet lacks' {
        $parameters = (Get-Help -Name $Name -Full).parameters
        $documented = @(if ($parameters -and $parameters.PSObject.Properties['parameter']) { $parameters.parameter | Where-Object { $_ } | ForEach-Object name })
        $documented | Where-Object { $_ -notin $parameterNames } | Should -BeNullOrEmpty
    }

    It 'has at least two examples, each with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) { $e.code | Should -Not -BeNullOrEmpty }
    }

    It 'gives every mandatory parameter a HelpMessage (shown when PowerShell prompts for it)' {
        $missing = foreach ($set in $command.ParameterSets) {
            foreach ($p in $set.Parameters | Where-Object { $_.IsMandatory -and [string]::IsNullOrWhiteSpace($_.HelpMessage) }) { "-$($p.Name) ($($set.Name))" }
        }
        $missing | Should -BeNullOrEmpty
    }

    It 'has one syntax item per parameter set' {
        @($help.syntax.syntaxItem).Count | Should -Be @($command.ParameterSets).Count
    }

    It 'names its output types' {
        foreach ($t in $command.OutputType) {
            @($help.returnValues.returnValue | ForEach-Object { $_.type.name }) | Should -Contain $t.Name
        }
    }
}

Describe 'about_Baseten' -Tag 'Unit', 'Help' {
    It 'is found by Get-Help' {
        $about = Get-Help -Name about_Baseten
        "$about" | Should -Match 'BASETEN_API_KEY'
    }
}

Describe 'Format views' -Tag 'Unit', 'Format' {
    BeforeAll {
        # Output types come from the cmdlets themselves (this also loads Baseten.Core the way the module does).
        $outputTypes = @(Get-Command -Module Baseten | ForEach-Object { $_.OutputType } | ForEach-Object Name | Sort-Object -Unique)
        $envType = (Get-Command Get-BasetenEnvironment).OutputType[0].Type
        $deploymentType = $envType.GetProperty('CurrentDeployment').PropertyType
        $autoscalingType = $envType.GetProperty('AutoscalingSettings').PropertyType
    }

    It 'has a table view for every output type' {
        $missing = foreach ($t in $outputTypes) {
            $views = @((Get-FormatData -TypeName $t).FormatViewDefinition)
            if (-not ($views | Where-Object { $_.Control -is [System.Management.Automation.TableControl] })) { $t }
        }
        $missing | Should -BeNullOrEmpty
    }

    It 'has a table view for <_>' -ForEach 'Baseten.Core.Models.EnvironmentV1', 'Baseten.Core.Models.DeploymentV1', 'Baseten.PowerShell.BasetenContext' {
        @((Get-FormatData -TypeName $_).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }) |
            Should -Not -BeNullOrEmpty
    }

    It 'renders a new environment (no deployment, no settings) under strict mode' {
        $e = [Activator]::CreateInstance($envType)
        $e.Name = 'staging'; $e.ModelId = 'abcd1234'; $e.CreatedAt = [DateTimeOffset]::Now
        Set-StrictMode -Version Latest
        $table = $e | Format-Table -DisplayError | Out-String -Width 120
        $list = $e | Format-List -DisplayError | Out-String -Width 120
        $table | Should -Not -Match '#ERR'
        $list | Should -Not -Match '#ERR'
        $table | Should -Match 'staging\s+abcd1234'
    }

    It 'renders an environment with a deployment: name, status and min–max replicas' {
        $d = [Activator]::CreateInstance($deploymentType)
        $d.Id = 'q1w2e3r'; $d.Name = 'deployment-1'; $d.Status = 'ACTIVE'; $d.ActiveReplicaCount = 2; $d.CreatedAt = [DateTimeOffset]::Now
        $a = [Activator]::CreateInstance($autoscalingType)
        $a.MinReplica = 1; $a.MaxReplica = 3
        $e = [Activator]::CreateInstance($envType)
        $e.Name = 'production'; $e.ModelId = 'abcd1234'; $e.CreatedAt = [DateTimeOffset]::Now
        $e.CurrentDeployment = $d; $e.AutoscalingSettings = $a
        Set-StrictMode -Version Latest
        $table = $e | Format-Table -DisplayError | Out-String -Width 120
        $table | Should -Not -Match '#ERR'
        $table | Should -Match ('production\s+abcd1234\s+deployment-1\s+ACTIVE\s+1{0}3' -f [char]0x2013)
        $d | Format-Table -DisplayError | Out-String -Width 120 | Should -Match 'q1w2e3r\s+deployment-1\s+ACTIVE'
        ($e | Format-List -DisplayError | Out-String -Width 120) + ($d | Format-List -DisplayError | Out-String -Width 120) | Should -Not -Match '#ERR'
    }

    It 'fits the environment table in 80 columns' {
        $e = [Activator]::CreateInstance($envType)
        $e.Name = 'staging'; $e.ModelId = 'abcd1234'; $e.CreatedAt = [DateTimeOffset]::Now
        $lines = ($e | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match 'CreatedAt' -Because 'every column header fits on the first line'
    }
}
