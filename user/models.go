package user

import "github.com/pieces-go/pieces-os-client-go/gen"

// The models of the User API, re-exported from package gen so that callers
// never import it. Each is the same type as its gen counterpart.
type (
	// Aesthetics is gen.Aesthetics.
	Aesthetics = gen.Aesthetics
	// AllocationCloud is gen.AllocationCloud.
	AllocationCloud = gen.AllocationCloud
	// AllocationCloudStatus is gen.AllocationCloudStatus.
	AllocationCloudStatus = gen.AllocationCloudStatus
	// AllocationCloudURL is gen.AllocationCloudURL.
	AllocationCloudURL = gen.AllocationCloudURL
	// AllocationCloudURLs is gen.AllocationCloudURLs.
	AllocationCloudURLs = gen.AllocationCloudURLs
	// AllocationStatusEnum is gen.AllocationStatusEnum.
	AllocationStatusEnum = gen.AllocationStatusEnum
	// AllowedCloudModelsInstanceConfiguration is gen.AllowedCloudModelsInstanceConfiguration.
	AllowedCloudModelsInstanceConfiguration = gen.AllowedCloudModelsInstanceConfiguration
	// AnonymousTemporalRange is gen.AnonymousTemporalRange.
	AnonymousTemporalRange = gen.AnonymousTemporalRange
	// Auth0Identity is gen.Auth0Identity.
	Auth0Identity = gen.Auth0Identity
	// Auth0OpenAIUserMetadata is gen.Auth0OpenAIUserMetadata.
	Auth0OpenAIUserMetadata = gen.Auth0OpenAIUserMetadata
	// Auth0User is gen.Auth0User.
	Auth0User = gen.Auth0User
	// Auth0UserAllocationMetadata is gen.Auth0UserAllocationMetadata.
	Auth0UserAllocationMetadata = gen.Auth0UserAllocationMetadata
	// Auth0UserBetaStatus is gen.Auth0UserBetaStatus.
	Auth0UserBetaStatus = gen.Auth0UserBetaStatus
	// Auth0UserMetadata is gen.Auth0UserMetadata.
	Auth0UserMetadata = gen.Auth0UserMetadata
	// BigQueryInstanceConfiguration is gen.BigQueryInstanceConfiguration.
	BigQueryInstanceConfiguration = gen.BigQueryInstanceConfiguration
	// CapabilitiesEnum is gen.CapabilitiesEnum.
	CapabilitiesEnum = gen.CapabilitiesEnum
	// CloudBackupCreationInstanceConfiguration is gen.CloudBackupCreationInstanceConfiguration.
	CloudBackupCreationInstanceConfiguration = gen.CloudBackupCreationInstanceConfiguration
	// ConnectToCloudInstanceConfiguration is gen.ConnectToCloudInstanceConfiguration.
	ConnectToCloudInstanceConfiguration = gen.ConnectToCloudInstanceConfiguration
	// DeleteCloudBackupInstanceConfiguration is gen.DeleteCloudBackupInstanceConfiguration.
	DeleteCloudBackupInstanceConfiguration = gen.DeleteCloudBackupInstanceConfiguration
	// DeniedWorkstreamPatternEngineSourcesInstanceConfiguration is gen.DeniedWorkstreamPatternEngineSourcesInstanceConfiguration.
	DeniedWorkstreamPatternEngineSourcesInstanceConfiguration = gen.DeniedWorkstreamPatternEngineSourcesInstanceConfiguration
	// DeniedWorkstreamPatternEngineWebsitesInstanceConfiguration is gen.DeniedWorkstreamPatternEngineWebsitesInstanceConfiguration.
	DeniedWorkstreamPatternEngineWebsitesInstanceConfiguration = gen.DeniedWorkstreamPatternEngineWebsitesInstanceConfiguration
	// DescopeUserMetadata is gen.DescopeUserMetadata.
	DescopeUserMetadata = gen.DescopeUserMetadata
	// EmbeddedModelSchema is gen.EmbeddedModelSchema.
	EmbeddedModelSchema = gen.EmbeddedModelSchema
	// EmbeddedModelSchemaSemanticVersionEnum is gen.EmbeddedModelSchemaSemanticVersionEnum.
	EmbeddedModelSchemaSemanticVersionEnum = gen.EmbeddedModelSchemaSemanticVersionEnum
	// EntityAssociateToUserInput is gen.EntityAssociateToUserInput.
	EntityAssociateToUserInput = gen.EntityAssociateToUserInput
	// EntityTypeEnum is gen.EntityTypeEnum.
	EntityTypeEnum = gen.EntityTypeEnum
	// ExternalMLProviderEnum is gen.ExternalMLProviderEnum.
	ExternalMLProviderEnum = gen.ExternalMLProviderEnum
	// ExternalProvider is gen.ExternalProvider.
	ExternalProvider = gen.ExternalProvider
	// ExternalProviderProfileData is gen.ExternalProviderProfileData.
	ExternalProviderProfileData = gen.ExternalProviderProfileData
	// ExternalProviderTypeEnum is gen.ExternalProviderTypeEnum.
	ExternalProviderTypeEnum = gen.ExternalProviderTypeEnum
	// ExternalProviders is gen.ExternalProviders.
	ExternalProviders = gen.ExternalProviders
	// FlattenedEntities is gen.FlattenedEntities.
	FlattenedEntities = gen.FlattenedEntities
	// FlattenedEntity is gen.FlattenedEntity.
	FlattenedEntity = gen.FlattenedEntity
	// FlattenedSubscription is gen.FlattenedSubscription.
	FlattenedSubscription = gen.FlattenedSubscription
	// FlattenedSubscriptions is gen.FlattenedSubscriptions.
	FlattenedSubscriptions = gen.FlattenedSubscriptions
	// FlattenedUserProfile is gen.FlattenedUserProfile.
	FlattenedUserProfile = gen.FlattenedUserProfile
	// FlattenedUsers is gen.FlattenedUsers.
	FlattenedUsers = gen.FlattenedUsers
	// Font is gen.Font.
	Font = gen.Font
	// GroupedTimestamp is gen.GroupedTimestamp.
	GroupedTimestamp = gen.GroupedTimestamp
	// HasFeatureAccessAllowedCloudModelsContext is gen.HasFeatureAccessAllowedCloudModelsContext.
	HasFeatureAccessAllowedCloudModelsContext = gen.HasFeatureAccessAllowedCloudModelsContext
	// HasFeatureAccessBadRequestError is gen.HasFeatureAccessBadRequestError.
	HasFeatureAccessBadRequestError = gen.HasFeatureAccessBadRequestError
	// HasFeatureAccessContext is gen.HasFeatureAccessContext.
	HasFeatureAccessContext = gen.HasFeatureAccessContext
	// HasFeatureAccessDeniedWorkstreamPatternEngineSourceContext is gen.HasFeatureAccessDeniedWorkstreamPatternEngineSourceContext.
	HasFeatureAccessDeniedWorkstreamPatternEngineSourceContext = gen.HasFeatureAccessDeniedWorkstreamPatternEngineSourceContext
	// HasFeatureAccessDeniedWorkstreamPatternEngineWebsiteContext is gen.HasFeatureAccessDeniedWorkstreamPatternEngineWebsiteContext.
	HasFeatureAccessDeniedWorkstreamPatternEngineWebsiteContext = gen.HasFeatureAccessDeniedWorkstreamPatternEngineWebsiteContext
	// HasFeatureAccessEnum is gen.HasFeatureAccessEnum.
	HasFeatureAccessEnum = gen.HasFeatureAccessEnum
	// HasFeatureAccessInput is gen.HasFeatureAccessInput.
	HasFeatureAccessInput = gen.HasFeatureAccessInput
	// HasFeatureAccessOutput is gen.HasFeatureAccessOutput.
	HasFeatureAccessOutput = gen.HasFeatureAccessOutput
	// HasFeatureAccessProcessingContext is gen.HasFeatureAccessProcessingContext.
	HasFeatureAccessProcessingContext = gen.HasFeatureAccessProcessingContext
	// HasFeatureAccessUnprocessableEntityError is gen.HasFeatureAccessUnprocessableEntityError.
	HasFeatureAccessUnprocessableEntityError = gen.HasFeatureAccessUnprocessableEntityError
	// InstanceConfiguration is gen.InstanceConfiguration.
	InstanceConfiguration = gen.InstanceConfiguration
	// InstanceConfigurationAllowedCloudModelsDefaultModels is gen.InstanceConfigurationAllowedCloudModelsDefaultModels.
	InstanceConfigurationAllowedCloudModelsDefaultModels = gen.InstanceConfigurationAllowedCloudModelsDefaultModels
	// InstanceConfigurationAllowedModel is gen.InstanceConfigurationAllowedModel.
	InstanceConfigurationAllowedModel = gen.InstanceConfigurationAllowedModel
	// InstanceConfigurationAllowedModels is gen.InstanceConfigurationAllowedModels.
	InstanceConfigurationAllowedModels = gen.InstanceConfigurationAllowedModels
	// InstanceConfigurationAnalytics is gen.InstanceConfigurationAnalytics.
	InstanceConfigurationAnalytics = gen.InstanceConfigurationAnalytics
	// InstanceConfigurationDeniedWorkstreamPatternEngineSource is gen.InstanceConfigurationDeniedWorkstreamPatternEngineSource.
	InstanceConfigurationDeniedWorkstreamPatternEngineSource = gen.InstanceConfigurationDeniedWorkstreamPatternEngineSource
	// InstanceConfigurationDeniedWorkstreamPatternEngineSources is gen.InstanceConfigurationDeniedWorkstreamPatternEngineSources.
	InstanceConfigurationDeniedWorkstreamPatternEngineSources = gen.InstanceConfigurationDeniedWorkstreamPatternEngineSources
	// InstanceConfigurationDeniedWorkstreamPatternEngineWebsite is gen.InstanceConfigurationDeniedWorkstreamPatternEngineWebsite.
	InstanceConfigurationDeniedWorkstreamPatternEngineWebsite = gen.InstanceConfigurationDeniedWorkstreamPatternEngineWebsite
	// InstanceConfigurationDeniedWorkstreamPatternEngineWebsites is gen.InstanceConfigurationDeniedWorkstreamPatternEngineWebsites.
	InstanceConfigurationDeniedWorkstreamPatternEngineWebsites = gen.InstanceConfigurationDeniedWorkstreamPatternEngineWebsites
	// InstanceConfigurationEnabledEnum is gen.InstanceConfigurationEnabledEnum.
	InstanceConfigurationEnabledEnum = gen.InstanceConfigurationEnabledEnum
	// InstanceConfigurationExternalCloud is gen.InstanceConfigurationExternalCloud.
	InstanceConfigurationExternalCloud = gen.InstanceConfigurationExternalCloud
	// InstanceConfigurationExternalProvider is gen.InstanceConfigurationExternalProvider.
	InstanceConfigurationExternalProvider = gen.InstanceConfigurationExternalProvider
	// ListCloudBackupsInstanceConfiguration is gen.ListCloudBackupsInstanceConfiguration.
	ListCloudBackupsInstanceConfiguration = gen.ListCloudBackupsInstanceConfiguration
	// ListSpecificCloudBackupInstanceConfiguration is gen.ListSpecificCloudBackupInstanceConfiguration.
	ListSpecificCloudBackupInstanceConfiguration = gen.ListSpecificCloudBackupInstanceConfiguration
	// ModelFoundationEnum is gen.ModelFoundationEnum.
	ModelFoundationEnum = gen.ModelFoundationEnum
	// ModelMaxTokens is gen.ModelMaxTokens.
	ModelMaxTokens = gen.ModelMaxTokens
	// ModelTypeEnum is gen.ModelTypeEnum.
	ModelTypeEnum = gen.ModelTypeEnum
	// ProcessingInstanceConfiguration is gen.ProcessingInstanceConfiguration.
	ProcessingInstanceConfiguration = gen.ProcessingInstanceConfiguration
	// ReconnectToCloudInstanceConfiguration is gen.ReconnectToCloudInstanceConfiguration.
	ReconnectToCloudInstanceConfiguration = gen.ReconnectToCloudInstanceConfiguration
	// ReferencedEntity is gen.ReferencedEntity.
	ReferencedEntity = gen.ReferencedEntity
	// ReferencedSubscription is gen.ReferencedSubscription.
	ReferencedSubscription = gen.ReferencedSubscription
	// ReferencedUser is gen.ReferencedUser.
	ReferencedUser = gen.ReferencedUser
	// RefreshedPaddleUser is gen.RefreshedPaddleUser.
	RefreshedPaddleUser = gen.RefreshedPaddleUser
	// RestoreCloudBackupInstanceConfiguration is gen.RestoreCloudBackupInstanceConfiguration.
	RestoreCloudBackupInstanceConfiguration = gen.RestoreCloudBackupInstanceConfiguration
	// ReturnedUserProfile is gen.ReturnedUserProfile.
	ReturnedUserProfile = gen.ReturnedUserProfile
	// Score is gen.Score.
	Score = gen.Score
	// SegmentInstanceConfiguration is gen.SegmentInstanceConfiguration.
	SegmentInstanceConfiguration = gen.SegmentInstanceConfiguration
	// SendInternalSummaryReportsToUserTeamServiceInstanceConfiguration is gen.SendInternalSummaryReportsToUserTeamServiceInstanceConfiguration.
	SendInternalSummaryReportsToUserTeamServiceInstanceConfiguration = gen.SendInternalSummaryReportsToUserTeamServiceInstanceConfiguration
	// ShareSnippetInstanceConfiguration is gen.ShareSnippetInstanceConfiguration.
	ShareSnippetInstanceConfiguration = gen.ShareSnippetInstanceConfiguration
	// SubscriptionTermEnum is gen.SubscriptionTermEnum.
	SubscriptionTermEnum = gen.SubscriptionTermEnum
	// Theme is gen.Theme.
	Theme = gen.Theme
	// UpdateAllocationCloudInstanceConfiguration is gen.UpdateAllocationCloudInstanceConfiguration.
	UpdateAllocationCloudInstanceConfiguration = gen.UpdateAllocationCloudInstanceConfiguration
	// UserBetaStatus is gen.UserBetaStatus.
	UserBetaStatus = gen.UserBetaStatus
	// UserCheckoutInput is gen.UserCheckoutInput.
	UserCheckoutInput = gen.UserCheckoutInput
	// UserCheckoutOutput is gen.UserCheckoutOutput.
	UserCheckoutOutput = gen.UserCheckoutOutput
	// UserLastCheckedInStreamOutput is gen.UserLastCheckedInStreamOutput.
	UserLastCheckedInStreamOutput = gen.UserLastCheckedInStreamOutput
	// UserManageSubscriptionsInput is gen.UserManageSubscriptionsInput.
	UserManageSubscriptionsInput = gen.UserManageSubscriptionsInput
	// UserManageSubscriptionsOutput is gen.UserManageSubscriptionsOutput.
	UserManageSubscriptionsOutput = gen.UserManageSubscriptionsOutput
	// UserProfile is gen.UserProfile.
	UserProfile = gen.UserProfile
)

// Values of AllocationStatusEnum.
const (
	AllocationStatusEnumDISCONNECTED = gen.AllocationStatusEnumDISCONNECTED
	AllocationStatusEnumFAILED       = gen.AllocationStatusEnumFAILED
	AllocationStatusEnumPENDING      = gen.AllocationStatusEnumPENDING
	AllocationStatusEnumRUNNING      = gen.AllocationStatusEnumRUNNING
	AllocationStatusEnumSUCCEEDED    = gen.AllocationStatusEnumSUCCEEDED
	AllocationStatusEnumUNKNOWN      = gen.AllocationStatusEnumUNKNOWN
)

// Values of CapabilitiesEnum.
const (
	CapabilitiesEnumBLENDED = gen.CapabilitiesEnumBLENDED
	CapabilitiesEnumCLOUD   = gen.CapabilitiesEnumCLOUD
	CapabilitiesEnumLOCAL   = gen.CapabilitiesEnumLOCAL
	CapabilitiesEnumUNKNOWN = gen.CapabilitiesEnumUNKNOWN
)

// Values of EmbeddedModelSchemaSemanticVersionEnum.
const (
	EmbeddedModelSchemaSemanticVersionEnumMAJOR0MINOR0PATCH1 = gen.EmbeddedModelSchemaSemanticVersionEnumMAJOR0MINOR0PATCH1
	EmbeddedModelSchemaSemanticVersionEnumUNKNOWN            = gen.EmbeddedModelSchemaSemanticVersionEnumUNKNOWN
)

// Values of EntityTypeEnum.
const (
	EntityTypeEnumORGANIZATION = gen.EntityTypeEnumORGANIZATION
	EntityTypeEnumTEAM         = gen.EntityTypeEnumTEAM
	EntityTypeEnumUNKNOWN      = gen.EntityTypeEnumUNKNOWN
)

// Values of ExternalMLProviderEnum.
const (
	ExternalMLProviderEnumAMAZON                    = gen.ExternalMLProviderEnumAMAZON
	ExternalMLProviderEnumANTHROPIC                 = gen.ExternalMLProviderEnumANTHROPIC
	ExternalMLProviderEnumAPPLE                     = gen.ExternalMLProviderEnumAPPLE
	ExternalMLProviderEnumAWSBEDROCK                = gen.ExternalMLProviderEnumAWSBEDROCK
	ExternalMLProviderEnumBIGCODE                   = gen.ExternalMLProviderEnumBIGCODE
	ExternalMLProviderEnumBLICKDL                   = gen.ExternalMLProviderEnumBLICKDL
	ExternalMLProviderEnumDATABRICKS                = gen.ExternalMLProviderEnumDATABRICKS
	ExternalMLProviderEnumELEUTHERAI                = gen.ExternalMLProviderEnumELEUTHERAI
	ExternalMLProviderEnumFUDANUNIVERSITY           = gen.ExternalMLProviderEnumFUDANUNIVERSITY
	ExternalMLProviderEnumGOOGLE                    = gen.ExternalMLProviderEnumGOOGLE
	ExternalMLProviderEnumHONGKONGBAPTISTUNIVERSITY = gen.ExternalMLProviderEnumHONGKONGBAPTISTUNIVERSITY
	ExternalMLProviderEnumHUGGINGFACE               = gen.ExternalMLProviderEnumHUGGINGFACE
	ExternalMLProviderEnumIBM                       = gen.ExternalMLProviderEnumIBM
	ExternalMLProviderEnumJINA                      = gen.ExternalMLProviderEnumJINA
	ExternalMLProviderEnumLMSYS                     = gen.ExternalMLProviderEnumLMSYS
	ExternalMLProviderEnumMETA                      = gen.ExternalMLProviderEnumMETA
	ExternalMLProviderEnumMICROSOFT                 = gen.ExternalMLProviderEnumMICROSOFT
	ExternalMLProviderEnumMINISHLABS                = gen.ExternalMLProviderEnumMINISHLABS
	ExternalMLProviderEnumMSFTAZUREOPENAI           = gen.ExternalMLProviderEnumMSFTAZUREOPENAI
	ExternalMLProviderEnumOPENAI                    = gen.ExternalMLProviderEnumOPENAI
	ExternalMLProviderEnumOPENLMRESEARCH            = gen.ExternalMLProviderEnumOPENLMRESEARCH
	ExternalMLProviderEnumPEKINGUNIVERSITY          = gen.ExternalMLProviderEnumPEKINGUNIVERSITY
	ExternalMLProviderEnumPERPLEXITY                = gen.ExternalMLProviderEnumPERPLEXITY
	ExternalMLProviderEnumPIECES                    = gen.ExternalMLProviderEnumPIECES
	ExternalMLProviderEnumRENMINUNIVERSITYOFCHINA   = gen.ExternalMLProviderEnumRENMINUNIVERSITYOFCHINA
	ExternalMLProviderEnumSALESFORCE                = gen.ExternalMLProviderEnumSALESFORCE
	ExternalMLProviderEnumSNOWFLAKE                 = gen.ExternalMLProviderEnumSNOWFLAKE
	ExternalMLProviderEnumTOGETHERAI                = gen.ExternalMLProviderEnumTOGETHERAI
	ExternalMLProviderEnumUCBERKLEY                 = gen.ExternalMLProviderEnumUCBERKLEY
	ExternalMLProviderEnumUNIVERSITYOFWASHINGTON    = gen.ExternalMLProviderEnumUNIVERSITYOFWASHINGTON
	ExternalMLProviderEnumUNKNOWN                   = gen.ExternalMLProviderEnumUNKNOWN
)

// Values of ExternalProviderTypeEnum.
const (
	ExternalProviderTypeEnumApple         = gen.ExternalProviderTypeEnumApple
	ExternalProviderTypeEnumBitbucket     = gen.ExternalProviderTypeEnumBitbucket
	ExternalProviderTypeEnumDiscord       = gen.ExternalProviderTypeEnumDiscord
	ExternalProviderTypeEnumFacebook      = gen.ExternalProviderTypeEnumFacebook
	ExternalProviderTypeEnumGithub        = gen.ExternalProviderTypeEnumGithub
	ExternalProviderTypeEnumGitlab        = gen.ExternalProviderTypeEnumGitlab
	ExternalProviderTypeEnumGoogleOauth2  = gen.ExternalProviderTypeEnumGoogleOauth2
	ExternalProviderTypeEnumLinkedin      = gen.ExternalProviderTypeEnumLinkedin
	ExternalProviderTypeEnumMicrosoft     = gen.ExternalProviderTypeEnumMicrosoft
	ExternalProviderTypeEnumSlack         = gen.ExternalProviderTypeEnumSlack
	ExternalProviderTypeEnumTwitter       = gen.ExternalProviderTypeEnumTwitter
	ExternalProviderTypeEnumUNKNOWN       = gen.ExternalProviderTypeEnumUNKNOWN
	ExternalProviderTypeEnumUsernameEmail = gen.ExternalProviderTypeEnumUsernameEmail
	ExternalProviderTypeEnumWaad          = gen.ExternalProviderTypeEnumWaad
)

// Values of HasFeatureAccessEnum.
const (
	HasFeatureAccessEnumALLOWEDCLOUDMODELS                          = gen.HasFeatureAccessEnumALLOWEDCLOUDMODELS
	HasFeatureAccessEnumBIGQUERY                                    = gen.HasFeatureAccessEnumBIGQUERY
	HasFeatureAccessEnumCLOUDBACKUPCREATION                         = gen.HasFeatureAccessEnumCLOUDBACKUPCREATION
	HasFeatureAccessEnumCONNECTTOCLOUD                              = gen.HasFeatureAccessEnumCONNECTTOCLOUD
	HasFeatureAccessEnumCUSTOMANALYTICS                             = gen.HasFeatureAccessEnumCUSTOMANALYTICS
	HasFeatureAccessEnumDELETECLOUDBACKUP                           = gen.HasFeatureAccessEnumDELETECLOUDBACKUP
	HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINESOURCES        = gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINESOURCES
	HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINEWEBSITES       = gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINEWEBSITES
	HasFeatureAccessEnumEXTERNALPROVIDERPROCESSING                  = gen.HasFeatureAccessEnumEXTERNALPROVIDERPROCESSING
	HasFeatureAccessEnumIPLOOKUP                                    = gen.HasFeatureAccessEnumIPLOOKUP
	HasFeatureAccessEnumLISTCLOUDBACKUPS                            = gen.HasFeatureAccessEnumLISTCLOUDBACKUPS
	HasFeatureAccessEnumLISTSPECIFICCLOUDBACKUP                     = gen.HasFeatureAccessEnumLISTSPECIFICCLOUDBACKUP
	HasFeatureAccessEnumRECONNECTTOCLOUD                            = gen.HasFeatureAccessEnumRECONNECTTOCLOUD
	HasFeatureAccessEnumRESTORECLOUDBACKUP                          = gen.HasFeatureAccessEnumRESTORECLOUDBACKUP
	HasFeatureAccessEnumSEGMENT                                     = gen.HasFeatureAccessEnumSEGMENT
	HasFeatureAccessEnumSENDINTERNALSUMMARYREPORTSTOUSERTEAMSERVICE = gen.HasFeatureAccessEnumSENDINTERNALSUMMARYREPORTSTOUSERTEAMSERVICE
	HasFeatureAccessEnumSENTRY                                      = gen.HasFeatureAccessEnumSENTRY
	HasFeatureAccessEnumSHARESNIPPET                                = gen.HasFeatureAccessEnumSHARESNIPPET
	HasFeatureAccessEnumUNKNOWN                                     = gen.HasFeatureAccessEnumUNKNOWN
	HasFeatureAccessEnumUPDATEALLOCATIONCLOUD                       = gen.HasFeatureAccessEnumUPDATEALLOCATIONCLOUD
)

// Values of InstanceConfigurationEnabledEnum.
const (
	InstanceConfigurationEnabledEnumDISABLED = gen.InstanceConfigurationEnabledEnumDISABLED
	InstanceConfigurationEnabledEnumENABLED  = gen.InstanceConfigurationEnabledEnumENABLED
	InstanceConfigurationEnabledEnumUNKNOWN  = gen.InstanceConfigurationEnabledEnumUNKNOWN
)

// Values of ModelFoundationEnum.
const (
	ModelFoundationEnumALPACA13B             = gen.ModelFoundationEnumALPACA13B
	ModelFoundationEnumALPACA33B             = gen.ModelFoundationEnumALPACA33B
	ModelFoundationEnumALPACA65B             = gen.ModelFoundationEnumALPACA65B
	ModelFoundationEnumALPACA7B              = gen.ModelFoundationEnumALPACA7B
	ModelFoundationEnumAWSBEDROCKLATEST      = gen.ModelFoundationEnumAWSBEDROCKLATEST
	ModelFoundationEnumAZUREBEST             = gen.ModelFoundationEnumAZUREBEST
	ModelFoundationEnumAZURECUSTOM           = gen.ModelFoundationEnumAZURECUSTOM
	ModelFoundationEnumAZUREDEFAULT          = gen.ModelFoundationEnumAZUREDEFAULT
	ModelFoundationEnumAZUREFAST             = gen.ModelFoundationEnumAZUREFAST
	ModelFoundationEnumAZURELATEST           = gen.ModelFoundationEnumAZURELATEST
	ModelFoundationEnumBARD                  = gen.ModelFoundationEnumBARD
	ModelFoundationEnumCHATBISON             = gen.ModelFoundationEnumCHATBISON
	ModelFoundationEnumCLAUDE2               = gen.ModelFoundationEnumCLAUDE2
	ModelFoundationEnumCLAUDE3               = gen.ModelFoundationEnumCLAUDE3
	ModelFoundationEnumCLAUDE35              = gen.ModelFoundationEnumCLAUDE35
	ModelFoundationEnumCLAUDE4               = gen.ModelFoundationEnumCLAUDE4
	ModelFoundationEnumCLAUDELATEST          = gen.ModelFoundationEnumCLAUDELATEST
	ModelFoundationEnumCODEBISON             = gen.ModelFoundationEnumCODEBISON
	ModelFoundationEnumCODECHATBISON         = gen.ModelFoundationEnumCODECHATBISON
	ModelFoundationEnumCODEGECKO             = gen.ModelFoundationEnumCODEGECKO
	ModelFoundationEnumCODEGEMMA2B           = gen.ModelFoundationEnumCODEGEMMA2B
	ModelFoundationEnumCODEGEMMA7B           = gen.ModelFoundationEnumCODEGEMMA7B
	ModelFoundationEnumCODELLAMA213B         = gen.ModelFoundationEnumCODELLAMA213B
	ModelFoundationEnumCODELLAMA270B         = gen.ModelFoundationEnumCODELLAMA270B
	ModelFoundationEnumCODELLAMA27B          = gen.ModelFoundationEnumCODELLAMA27B
	ModelFoundationEnumCODESTRALLATEST       = gen.ModelFoundationEnumCODESTRALLATEST
	ModelFoundationEnumCOMMANDR              = gen.ModelFoundationEnumCOMMANDR
	ModelFoundationEnumDBRX                  = gen.ModelFoundationEnumDBRX
	ModelFoundationEnumDEEPSEEKLATEST        = gen.ModelFoundationEnumDEEPSEEKLATEST
	ModelFoundationEnumDISTILROBERTA         = gen.ModelFoundationEnumDISTILROBERTA
	ModelFoundationEnumDOLLY12B              = gen.ModelFoundationEnumDOLLY12B
	ModelFoundationEnumDOLLY14B              = gen.ModelFoundationEnumDOLLY14B
	ModelFoundationEnumDOLLY160M             = gen.ModelFoundationEnumDOLLY160M
	ModelFoundationEnumDOLLY1B               = gen.ModelFoundationEnumDOLLY1B
	ModelFoundationEnumDOLLY28B              = gen.ModelFoundationEnumDOLLY28B
	ModelFoundationEnumDOLLY410M             = gen.ModelFoundationEnumDOLLY410M
	ModelFoundationEnumDOLLY69B              = gen.ModelFoundationEnumDOLLY69B
	ModelFoundationEnumDOLLY70M              = gen.ModelFoundationEnumDOLLY70M
	ModelFoundationEnumFASTTEXT              = gen.ModelFoundationEnumFASTTEXT
	ModelFoundationEnumGEMINI                = gen.ModelFoundationEnumGEMINI
	ModelFoundationEnumGEMINI15              = gen.ModelFoundationEnumGEMINI15
	ModelFoundationEnumGEMINI2               = gen.ModelFoundationEnumGEMINI2
	ModelFoundationEnumGEMINILATEST          = gen.ModelFoundationEnumGEMINILATEST
	ModelFoundationEnumGEMMA112B             = gen.ModelFoundationEnumGEMMA112B
	ModelFoundationEnumGEMMA117B             = gen.ModelFoundationEnumGEMMA117B
	ModelFoundationEnumGEMMA29B              = gen.ModelFoundationEnumGEMMA29B
	ModelFoundationEnumGEMMA2B               = gen.ModelFoundationEnumGEMMA2B
	ModelFoundationEnumGEMMA7B               = gen.ModelFoundationEnumGEMMA7B
	ModelFoundationEnumGEMMALATEST           = gen.ModelFoundationEnumGEMMALATEST
	ModelFoundationEnumGORILLA13B            = gen.ModelFoundationEnumGORILLA13B
	ModelFoundationEnumGORILLA33B            = gen.ModelFoundationEnumGORILLA33B
	ModelFoundationEnumGORILLA65B            = gen.ModelFoundationEnumGORILLA65B
	ModelFoundationEnumGORILLA7B             = gen.ModelFoundationEnumGORILLA7B
	ModelFoundationEnumGPT35                 = gen.ModelFoundationEnumGPT35
	ModelFoundationEnumGPT4                  = gen.ModelFoundationEnumGPT4
	ModelFoundationEnumGPTLATEST             = gen.ModelFoundationEnumGPTLATEST
	ModelFoundationEnumGRANITE3B             = gen.ModelFoundationEnumGRANITE3B
	ModelFoundationEnumGRANITE8B             = gen.ModelFoundationEnumGRANITE8B
	ModelFoundationEnumGRANITELATEST         = gen.ModelFoundationEnumGRANITELATEST
	ModelFoundationEnumGROK1                 = gen.ModelFoundationEnumGROK1
	ModelFoundationEnumGROK15                = gen.ModelFoundationEnumGROK15
	ModelFoundationEnumGUANACO13B            = gen.ModelFoundationEnumGUANACO13B
	ModelFoundationEnumGUANACO33B            = gen.ModelFoundationEnumGUANACO33B
	ModelFoundationEnumGUANACO65B            = gen.ModelFoundationEnumGUANACO65B
	ModelFoundationEnumGUANACO7B             = gen.ModelFoundationEnumGUANACO7B
	ModelFoundationEnumLLAMA213B             = gen.ModelFoundationEnumLLAMA213B
	ModelFoundationEnumLLAMA270B             = gen.ModelFoundationEnumLLAMA270B
	ModelFoundationEnumLLAMA27B              = gen.ModelFoundationEnumLLAMA27B
	ModelFoundationEnumLLAMA313B             = gen.ModelFoundationEnumLLAMA313B
	ModelFoundationEnumLLAMA32B              = gen.ModelFoundationEnumLLAMA32B
	ModelFoundationEnumLLAMA370B             = gen.ModelFoundationEnumLLAMA370B
	ModelFoundationEnumLLAMA38B              = gen.ModelFoundationEnumLLAMA38B
	ModelFoundationEnumLLAMALATEST           = gen.ModelFoundationEnumLLAMALATEST
	ModelFoundationEnumLLAVALATEST           = gen.ModelFoundationEnumLLAVALATEST
	ModelFoundationEnumMISTRAL7B             = gen.ModelFoundationEnumMISTRAL7B
	ModelFoundationEnumMISTRALLATEST         = gen.ModelFoundationEnumMISTRALLATEST
	ModelFoundationEnumMIXTRAL8X22B          = gen.ModelFoundationEnumMIXTRAL8X22B
	ModelFoundationEnumMIXTRAL8X7B           = gen.ModelFoundationEnumMIXTRAL8X7B
	ModelFoundationEnumMIXTRALLATEST         = gen.ModelFoundationEnumMIXTRALLATEST
	ModelFoundationEnumMOSS13B               = gen.ModelFoundationEnumMOSS13B
	ModelFoundationEnumMOSS7B                = gen.ModelFoundationEnumMOSS7B
	ModelFoundationEnumMSFTAZUREOPENAILATEST = gen.ModelFoundationEnumMSFTAZUREOPENAILATEST
	ModelFoundationEnumOPENLLAMA13B          = gen.ModelFoundationEnumOPENLLAMA13B
	ModelFoundationEnumOPENLLAMA7B           = gen.ModelFoundationEnumOPENLLAMA7B
	ModelFoundationEnumORCALATEST            = gen.ModelFoundationEnumORCALATEST
	ModelFoundationEnumPERPLEXITYBEST        = gen.ModelFoundationEnumPERPLEXITYBEST
	ModelFoundationEnumPERPLEXITYCUSTOM      = gen.ModelFoundationEnumPERPLEXITYCUSTOM
	ModelFoundationEnumPERPLEXITYDEFAULT     = gen.ModelFoundationEnumPERPLEXITYDEFAULT
	ModelFoundationEnumPERPLEXITYFAST        = gen.ModelFoundationEnumPERPLEXITYFAST
	ModelFoundationEnumPERPLEXITYLATEST      = gen.ModelFoundationEnumPERPLEXITYLATEST
	ModelFoundationEnumPHI15                 = gen.ModelFoundationEnumPHI15
	ModelFoundationEnumPHI2                  = gen.ModelFoundationEnumPHI2
	ModelFoundationEnumPHI3MINI              = gen.ModelFoundationEnumPHI3MINI
	ModelFoundationEnumPHI3SMALL             = gen.ModelFoundationEnumPHI3SMALL
	ModelFoundationEnumPHILATEST             = gen.ModelFoundationEnumPHILATEST
	ModelFoundationEnumPOTION                = gen.ModelFoundationEnumPOTION
	ModelFoundationEnumPYTHIA12B             = gen.ModelFoundationEnumPYTHIA12B
	ModelFoundationEnumPYTHIA14B             = gen.ModelFoundationEnumPYTHIA14B
	ModelFoundationEnumPYTHIA160M            = gen.ModelFoundationEnumPYTHIA160M
	ModelFoundationEnumPYTHIA1B              = gen.ModelFoundationEnumPYTHIA1B
	ModelFoundationEnumPYTHIA28B             = gen.ModelFoundationEnumPYTHIA28B
	ModelFoundationEnumPYTHIA410M            = gen.ModelFoundationEnumPYTHIA410M
	ModelFoundationEnumPYTHIA69B             = gen.ModelFoundationEnumPYTHIA69B
	ModelFoundationEnumPYTHIA70M             = gen.ModelFoundationEnumPYTHIA70M
	ModelFoundationEnumQWENCODERLATEST       = gen.ModelFoundationEnumQWENCODERLATEST
	ModelFoundationEnumQWENLATEST            = gen.ModelFoundationEnumQWENLATEST
	ModelFoundationEnumQWQLATEST             = gen.ModelFoundationEnumQWQLATEST
	ModelFoundationEnumRECURRENTGEMMA2B      = gen.ModelFoundationEnumRECURRENTGEMMA2B
	ModelFoundationEnumREDPAJAMA13B          = gen.ModelFoundationEnumREDPAJAMA13B
	ModelFoundationEnumREDPAJAMA33B          = gen.ModelFoundationEnumREDPAJAMA33B
	ModelFoundationEnumREDPAJAMA3B           = gen.ModelFoundationEnumREDPAJAMA3B
	ModelFoundationEnumREDPAJAMA65B          = gen.ModelFoundationEnumREDPAJAMA65B
	ModelFoundationEnumREDPAJAMA7B           = gen.ModelFoundationEnumREDPAJAMA7B
	ModelFoundationEnumRMKVLM100M            = gen.ModelFoundationEnumRMKVLM100M
	ModelFoundationEnumRMKVLM14B             = gen.ModelFoundationEnumRMKVLM14B
	ModelFoundationEnumRMKVLM15B             = gen.ModelFoundationEnumRMKVLM15B
	ModelFoundationEnumRMKVLM3B              = gen.ModelFoundationEnumRMKVLM3B
	ModelFoundationEnumRMKVLM400M            = gen.ModelFoundationEnumRMKVLM400M
	ModelFoundationEnumRMKVLM7B              = gen.ModelFoundationEnumRMKVLM7B
	ModelFoundationEnumSANTACODER11B         = gen.ModelFoundationEnumSANTACODER11B
	ModelFoundationEnumSTARCODER155B         = gen.ModelFoundationEnumSTARCODER155B
	ModelFoundationEnumSTARCODERLATEST       = gen.ModelFoundationEnumSTARCODERLATEST
	ModelFoundationEnumSTARLING7B            = gen.ModelFoundationEnumSTARLING7B
	ModelFoundationEnumT5                    = gen.ModelFoundationEnumT5
	ModelFoundationEnumTEXTBISON             = gen.ModelFoundationEnumTEXTBISON
	ModelFoundationEnumTEXTEMBEDDINGGECKO    = gen.ModelFoundationEnumTEXTEMBEDDINGGECKO
	ModelFoundationEnumTINYLLAMALATEST       = gen.ModelFoundationEnumTINYLLAMALATEST
	ModelFoundationEnumUNIXCODER             = gen.ModelFoundationEnumUNIXCODER
	ModelFoundationEnumUNKNOWN               = gen.ModelFoundationEnumUNKNOWN
	ModelFoundationEnumVICUNA13B             = gen.ModelFoundationEnumVICUNA13B
	ModelFoundationEnumVICUNA33B             = gen.ModelFoundationEnumVICUNA33B
	ModelFoundationEnumVICUNA65B             = gen.ModelFoundationEnumVICUNA65B
	ModelFoundationEnumVICUNA7B              = gen.ModelFoundationEnumVICUNA7B
	ModelFoundationEnumVICUNALATEST          = gen.ModelFoundationEnumVICUNALATEST
	ModelFoundationEnumWIZARDCODER15B        = gen.ModelFoundationEnumWIZARDCODER15B
	ModelFoundationEnumWIZARDLATEST          = gen.ModelFoundationEnumWIZARDLATEST
	ModelFoundationEnumWIZARDLM13B           = gen.ModelFoundationEnumWIZARDLM13B
	ModelFoundationEnumWIZARDLM30B           = gen.ModelFoundationEnumWIZARDLM30B
	ModelFoundationEnumWIZARDLM7B            = gen.ModelFoundationEnumWIZARDLM7B
	ModelFoundationEnumYULANCHAT13B          = gen.ModelFoundationEnumYULANCHAT13B
	ModelFoundationEnumYULANCHAT65B          = gen.ModelFoundationEnumYULANCHAT65B
	ModelFoundationEnumZEPHYRLATEST          = gen.ModelFoundationEnumZEPHYRLATEST
)

// Values of ModelTypeEnum.
const (
	ModelTypeEnumACCURACY = gen.ModelTypeEnumACCURACY
	ModelTypeEnumBALANCED = gen.ModelTypeEnumBALANCED
	ModelTypeEnumSPEED    = gen.ModelTypeEnumSPEED
	ModelTypeEnumUNKNOWN  = gen.ModelTypeEnumUNKNOWN
)

// Values of SubscriptionTermEnum.
const (
	SubscriptionTermEnumMonth   = gen.SubscriptionTermEnumMonth
	SubscriptionTermEnumQuarter = gen.SubscriptionTermEnumQuarter
	SubscriptionTermEnumUNKNOWN = gen.SubscriptionTermEnumUNKNOWN
	SubscriptionTermEnumYear    = gen.SubscriptionTermEnumYear
)
