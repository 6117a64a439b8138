import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Skeleton, Typography, Upload } from 'antd';
import type { UploadProps } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_ATTACHMENT_BYTES,
  caseAttachmentUrl,
  caseKeys,
  listCaseAttachments,
  uploadCaseAttachment,
} from '../../api/cases';
import { useSession } from '../../auth/session-context';
import { currentLanguage } from '../../i18n';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { useFeedback } from '../../lib/use-feedback';

/** What the server accepts: images, PDF, Office documents and text. */
const ACCEPT = 'image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv';

const sizeText = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${bytes} B`;

/** 附件: the files of the case with download links, and an upload button for those who may handle it. */
export const CaseAttachments = ({ caseId, canUpload }: { caseId: number; canUpload: boolean }) => {
  const { t } = useTranslation();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const { message, showError } = useFeedback();
  const [uploading, setUploading] = useState(0);
  const query = useQuery({
    queryKey: caseKeys.attachments(caseId),
    queryFn: () => listCaseAttachments(caseId),
  });

  const customRequest: UploadProps['customRequest'] = ({ file, onSuccess, onError }) => {
    if (!(file instanceof File)) return;
    setUploading((n) => n + 1);
    uploadCaseAttachment(caseId, file, {
      csrfToken: session?.csrfToken ?? null,
      language: currentLanguage(),
      fallbackMessage: t('errors.unknown'),
    })
      .then((attachment) => {
        onSuccess?.(attachment);
        void message.success(t('cases.attachments.uploaded', { name: attachment.fileName }));
        void queryClient.invalidateQueries({ queryKey: caseKeys.attachments(caseId) });
        void queryClient.invalidateQueries({ queryKey: caseKeys.events(caseId) });
      })
      .catch((error: unknown) => {
        onError?.(error instanceof Error ? error : new Error(String(error)));
        showError(error);
      })
      .finally(() => setUploading((n) => n - 1));
  };

  const items = query.data ?? [];
  return (
    <Card
      size="small"
      title={
        <Flex align="center" gap={8}>
          <PaperClipOutlined style={{ color: '#1e4fa3' }} />
          {t('cases.attachments.title')}
        </Flex>
      }
      extra={
        canUpload && (
          <Upload
            accept={ACCEPT}
            multiple
            showUploadList={false}
            customRequest={customRequest}
            beforeUpload={(file) => {
              if (file.size > MAX_ATTACHMENT_BYTES) {
                void message.error(t('cases.attachments.tooLarge', { name: file.name }));
                return Upload.LIST_IGNORE;
              }
              return true;
            }}
            data-testid="case-attachment-upload"
          >
            <Button
              size="small"
              icon={<UploadOutlined />}
              loading={uploading > 0}
              data-testid="case-attachment-upload-button"
            >
              {t('cases.attachments.upload')}
            </Button>
          </Upload>
        )
      }
      data-testid="case-attachments"
    >
      {query.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(query.error)} />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.attachments.empty')} />
      ) : (
        <Flex vertical gap={8}>
          {items.map((a) => (
            <div key={a.id} data-testid="case-attachment">
              <a
                href={caseAttachmentUrl(caseId, a.id)}
                download={a.fileName}
                style={{ wordBreak: 'break-all' }}
              >
                <PaperClipOutlined style={{ marginInlineEnd: 4 }} />
                {a.fileName}
              </a>
              <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>
                {sizeText(a.size)}
              </Typography.Text>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('cases.attachments.by', {
                    name: a.uploadedBy?.name ?? t('cases.events.system'),
                    time: formatDateTime(a.createdAt),
                  })}
                </Typography.Text>
              </div>
            </div>
          ))}
        </Flex>
      )}
      {canUpload && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 8 }}>
          {t('cases.attachments.hint')}
        </Typography.Text>
      )}
    </Card>
  );
};
