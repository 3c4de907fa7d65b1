package externalcontact

import "github.com/wecomkit/wecomkit/wecom"

// opsEndpoints lists the endpoints of mass messages, moments, transfers,
// statistics, customer acquisition, id conversions and strategy tags.
func opsEndpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		addMsgTemplate.Info(), getGroupMsgListV2.Info(), getGroupMsgTask.Info(), getGroupMsgSendResult.Info(),
		remindGroupMsgSend.Info(), cancelGroupMsgSend.Info(),
		addMomentTask.Info(), getMomentTaskResult.Info(), cancelMomentTask.Info(), getMomentList.Info(), getMomentTask.Info(),
		getMomentCustomerList.Info(), getMomentSendResult.Info(), getMomentComments.Info(),
		transferCustomer.Info(), transferResult.Info(), groupChatOnJobTransfer.Info(), getUnassignedList.Info(),
		resignedTransferCustomer.Info(), resignedTransferResult.Info(), groupChatTransfer.Info(),
		getUserBehaviorData.Info(),
		unionIDToExternalUserID.Info(), externalUserIDToPendingID.Info(), getNewExternalUserID.Info(),
		toServiceExternalUserID.Info(), fromServiceExternalUserID.Info(),
		getStrategyTagList.Info(), addStrategyTag.Info(), editStrategyTag.Info(), delStrategyTag.Info(),
	}
}
